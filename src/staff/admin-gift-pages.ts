import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { fromDecimalString, toDecimalString } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { ledgerSearchSchema } from '../ledger/ledger-search';
import { offlineGiftSchema } from '../ledger/offline-gift-service';
import { staffPage } from './admin-page-kit';
import { assertCanRead, assertCanWrite, readableOrganization, type Principal } from './principal';
import type { StaffDeps } from './staff-context';
import type { StaffLedgerService } from '../ledger/staff-ledger-service';

const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const KINDS = ['payment', 'offline', 'refund', 'dispute', 'dispute_reversal'];

async function readableEntry(ledger: StaffLedgerService, principal: Principal, id: number) {
  const entry = await ledger.findLedgerEntry(id);
  if (!entry) throw AppError.notFound('Gift');
  assertCanRead(principal, entry.organizationId);
  return entry;
}

export function adminGiftPages(deps: StaffDeps): Router {
  const router = Router();

  router.get('/admin/gifts', staffPage(deps, async (req, _res, page) => {
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v !== ''));
    const search = parseOr422(ledgerSearchSchema, raw);
    const result = await deps.ledger.searchLedger(readableOrganization(page.principal), search);
    const { cursor: _c, ...filters } = raw as Record<string, string>;
    const next = result.nextCursor ? `/admin/gifts?${new URLSearchParams({ ...filters, cursor: result.nextCursor })}` : null;
    const campaigns = await deps.campaigns.listCampaigns(page.principal);
    page.render('gifts', 'Gifts', {
      rows: result.data, next, filters: search,
      campaigns: campaigns.map((c) => ({ slug: c.slug, selected: c.slug === search.campaign })),
      kinds: KINDS.map((k) => ({ value: k, selected: k === search.kind })),
    });
  }));

  router.get('/admin/gifts/:id', staffPage(deps, async (req, _res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const entry = await readableEntry(deps.ledger, page.principal, id);
    const refund = entry.kind === 'payment' && entry.stripeChargeId && page.principal.role !== 'sponsor'
      ? await deps.ledger.refundableOf(entry.id) : null;
    page.render('gift', `Gift ${entry.receiptNumber ?? entry.id}`, {
      entry,
      entries: entry.donationId ? await deps.ledger.entriesOfDonation(entry.donationId) : [entry],
      emails: await deps.ledger.emailsOf(entry.donationId),
      refundable: refund && refund.refundable > 0 ? { amount: refund.refundable, major: toDecimalString(refund.refundable, entry.currency) } : null,
      canErase: page.principal.role !== 'sponsor',
      plan: await deps.giftPlans.planView(entry.donationId),
      canChangePlan: page.principal.role !== 'sponsor',
      supporterErased: await deps.erasure.erasedAt(entry.supporter.id),
    });
  }));

  router.post('/admin/gifts/:id/refund', staffPage(deps, async (req, _res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const entry = await readableEntry(deps.ledger, page.principal, id);
    assertCanWrite(page.principal, entry.organizationId);
    const { refundable } = await deps.ledger.refundableOf(entry.id);
    const amount = fromDecimalString(String(req.body.amount ?? ''), entry.currency);
    if (!amount || amount > refundable) {
      throw AppError.invalid([{ field: 'amount', message: `must be between 0.01 and ${toDecimalString(refundable, entry.currency)}` }]);
    }
    page.render('refund-confirm', 'Confirm the refund', { entry, amount, amountMinor: String(amount) });
  }));

  router.post('/admin/gifts/:id/refund/confirm', staffPage(deps, async (req, res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const { amount } = parseOr422(z.object({ amount: z.coerce.number().int().positive() }), req.body);
    await deps.ledger.requestRefund(page.principal, id, amount);
    res.redirect(303, `/admin/gifts/${id}?done=refund-requested`);
  }));

  async function offlineForm(principal: Principal, chosen: string | undefined) {
    const campaigns = (await deps.campaigns.listCampaigns(principal)).filter((c) => principal.role === 'admin' || c.organizationId === principal.organizationId);
    return campaigns.flatMap((c) => c.earmarks.map((e) => {
      const value = `${c.slug}:${e.code}`;
      return { value, label: `${c.title.en} — ${e.label.en}`, selected: chosen ? value.startsWith(`${chosen}:`) && c.earmarks[0]?.code === e.code : false };
    }));
  }

  router.get('/admin/offline-gifts/new', staffPage(deps, async (req, _res, page) => {
    if (page.principal.role === 'sponsor') assertCanWrite(page.principal, '');
    const chosen = typeof req.query.campaign === 'string' ? req.query.campaign : undefined;
    page.render('offline-gift', 'Record a check, cash or transfer', { targets: await offlineForm(page.principal, chosen), today: new Date().toISOString().slice(0, 10) });
  }));

  router.post('/admin/offline-gifts', staffPage(deps, async (req, res, page) => {
    const form = req.body as Record<string, string>;
    const [campaign = '', earmark = ''] = String(form.target ?? '').split(':');
    const currency = await deps.campaigns.currencyOf(campaign);
    const amount = fromDecimalString(String(form.amount ?? ''), currency ?? 'usd');
    const gift = parseOr422(offlineGiftSchema, {
      campaign, earmark, amount: amount ?? form.amount, method: form.method,
      checkNumber: form.check_number || undefined, receivedOn: form.received_on || undefined,
      anonymous: form.anonymous === 'on', note: form.note || undefined,
      supporter: { firstName: form.first_name ?? '', lastName: form.last_name ?? '', email: form.email ?? '', locale: form.locale === 'es' ? 'es' : 'en' },
    });
    const recorded = await deps.ledger.recordOfflineGift(page.principal, gift);
    res.redirect(303, `/admin/gifts/${recorded.ledgerEntryId}?done=gift-recorded`);
  }));

  return router;
}
