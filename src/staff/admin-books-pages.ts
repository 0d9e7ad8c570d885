import { Router } from 'express';
import { z } from 'zod';
import { bookSettingsPatchSchema, type Account } from '../books/book-settings';
import { journalFields, refineJournalRequest } from '../books/journal-service';
import { SOURCES, statementRequestSchema } from '../books/statement-service';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import type { StaffDeps } from './staff-context';

const ROLES = ['bank', 'stripeClearing', 'processorFees', 'sponsorFeeIncome', 'income'] as const;
const ROLE_LABELS: Record<(typeof ROLES)[number], string> = {
  bank: 'Bank (deposits)', stripeClearing: 'Stripe clearing (other Stripe activity in a payout)', processorFees: 'Processor fees',
  sponsorFeeIncome: 'Sponsor fee income', income: 'Income (earmarks without an account of their own)',
};
const SOURCE_LABELS: Record<string, string> = {
  one_time: 'One-time card gifts', monthly: 'Monthly card gifts', check: 'Checks', cash: 'Cash', bank_transfer: 'Bank transfers',
};

const filled = (form: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => typeof form[k] === 'string' && form[k] !== '').map((k) => [k, form[k]]));

/** /admin/books: an organization's statement, journal downloads, and (for admins) the journals' accounts. */
export function adminBooksPages(deps: StaffDeps): Router {
  const router = Router();
  const { books, organizations } = deps;

  router.get('/admin/books', staffPage(deps, async (req, _res, page) => {
    const { principal } = page;
    const query = req.query as Record<string, unknown>;
    const choices = principal.role === 'staff'
      ? await organizations.choiceOf(principal.organizationId)
      : await organizations.choices();
    const month = typeof query.month === 'string' && query.month ? query.month : new Date().toISOString().slice(0, 7);
    const organization = typeof query.organization === 'string' && query.organization ? query.organization : choices[0]?.slug;
    let statement = null;
    let links = null;
    if (organization && (query.organization || principal.role === 'staff')) {
      const request = parseOr422(statementRequestSchema, { organization, month });
      statement = await books.statement(principal, request);
      const q = new URLSearchParams(request).toString();
      links = { csv: `/api/admin/exports/statement.csv?${q}`, pdfEn: `/api/admin/exports/statement.pdf?${q}&lang=en`, pdfEs: `/api/admin/exports/statement.pdf?${q}&lang=es` };
    }
    const seesAccounts = principal.role !== 'staff';
    const settings = seesAccounts ? await books.settings() : null;
    const codes: string[] = seesAccounts ? await books.earmarkCodes() : [];
    page.render('books', 'Books', {
      organizations: choices.map((o) => ({ ...o, selected: o.slug === organization })), month, statement, links,
      sourceLabel: SOURCE_LABELS, sources: SOURCES,
      currencies: statement?.currencies.map((c) => ({
        ...c, lines: c.lines.map((l) => ({ ...l, sourceLabel: SOURCE_LABELS[l.source] })),
        bySource: c.bySource.map((s) => ({ ...s, sourceLabel: SOURCE_LABELS[s.source] })),
      })) ?? [],
      seesAccounts, isAdmin: principal.role === 'admin',
      roles: settings ? ROLES.map((role) => ({ role, label: ROLE_LABELS[role], ...settings.accounts[role] })) : [],
      earmarks: settings ? codes.map((code) => {
        const account = settings.accounts.earmarks[code];
        return { earmarkCode: code, name: account?.name ?? '', code: account?.code ?? '' };
      }) : [],
      xeroTaxRate: settings?.xeroTaxRate ?? '',
      today: new Date().toISOString().slice(0, 10), monthStart: `${new Date().toISOString().slice(0, 7)}-01`,
    });
  }));

  // A GET form cannot leave out its empty fields without a script: this answers with the export's own address.
  router.get('/admin/books/journal', staffPage(deps, async (req, res) => {
    const form = filled(req.query as Record<string, unknown>, ['format', 'from', 'to', 'payout']);
    const request = parseOr422(refineJournalRequest(journalFields), form.payout ? { format: form.format, payout: form.payout } : form);
    res.redirect(303, `/api/admin/exports/journal.csv?${new URLSearchParams(request as Record<string, string>)}`);
  }));

  router.post('/admin/books/accounts', staffPage(deps, async (req, res, page) => {
    if (page.principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may change the accounts');
    const form = req.body as Record<string, string>;
    const account = (prefix: string): Account => ({ name: form[`${prefix}_name`] ?? '', code: form[`${prefix}_code`] ?? '' });
    const earmarks: Record<string, Account> = {};
    for (const code of z.array(z.string()).parse([form.earmark_codes ?? ''].join(',').split(',').filter(Boolean))) {
      const a = account(`earmark_${code}`);
      if (a.name || a.code) earmarks[code] = a;
    }
    const patch = parseOr422(bookSettingsPatchSchema, {
      accounts: { ...Object.fromEntries(ROLES.map((r) => [r, account(r)])), earmarks }, xeroTaxRate: form.xero_tax_rate,
    });
    await books.updateSettings(page.principal, patch);
    res.redirect(303, '/admin/books?done=accounts-saved');
  }));

  return router;
}
