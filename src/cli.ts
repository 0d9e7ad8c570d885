import { parseArgs } from 'node:util';
import { z } from 'zod';
import { booksCheckCommand, statementCommand } from './books/books-commands';
import { DEMO_CAMPAIGN_SLUG, ensureDemo } from './campaigns/demo-seed';
import { ConfigError, loadConfig, type Config } from './config';
import { buildContainer, type Container } from './container';
import { migrateLatest } from './db/migrate';
import path from 'node:path';
import { backupDatabase, restoreDatabase } from './db/backup';
import { embeddedOwner, embeddedSocket, EmbeddedDatabaseBusy } from './db/embedded-owner';
import { createDb } from './db/knex';
import { queueYearEndSummaries } from './email/year-end-service';
import { exportDonationsCommand } from './exports/export-command';
import { reconcilePayout } from './exports/payout-reconciliation';
import { AppError } from './lib/errors';
import { createApiToken, roleSchema } from './staff/api-token-service';
import { purgeExpiredSupporters } from './supporters/retention-service';
import { inviteUser } from './staff/first-sign-in';
import { SETUP_OPTIONS, setupCommand } from './setup/setup-command';

interface Command {
  readonly summary: string;
  readonly options?: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
  readonly positionals?: boolean;
  run(c: Container, values: Record<string, string | boolean | undefined>, positionals?: string[]): Promise<void>;
  /** Runs without the container: it opens the database files itself, so nothing else may hold them. */
  standalone?(config: Config, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

// Tokens expire so that a forgotten one stops working; a year at most.
const DEFAULT_TOKEN_DAYS = '90';
const MAX_TOKEN_DAYS = 366;
const expiryDays = z.coerce.number().int().min(1).max(MAX_TOKEN_DAYS);

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'apply database migrations',
    async run(c) {
      const applied = await migrateLatest(c.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
    },
  },
  setup: {
    summary: 'first run without a browser: --sponsor-name "…" --ein NN-NNNNNNN --sponsor-address "…" [--sponsor-email address] --organization "Name" --organization-slug slug --time-zone Area/City --admin-email address; prints the admin\'s one-time sign-in link',
    options: SETUP_OPTIONS,
    async run(c, values) {
      await migrateLatest(c.db);
      for (const line of await setupCommand(c.db, c.config.publicUrl, values)) console.log(line);
    },
  },
  demo: {
    summary: `create the demo organization and the "${DEMO_CAMPAIGN_SLUG}" campaign (safe to repeat)`,
    async run(c) {
      await migrateLatest(c.db);
      const { created } = await ensureDemo(c.db);
      console.log(created ? 'Demo organization and campaign created' : 'Demo organization and campaign already exist');
      console.log(`${c.config.publicUrl}/donate/${DEMO_CAMPAIGN_SLUG}`);
    },
  },
  'users:create': {
    summary: 'create a staff user: --email address --role admin|staff|sponsor [--organization slug]; prints a one-time sign-in link',
    options: { email: { type: 'string' }, role: { type: 'string' }, organization: { type: 'string' } },
    async run(c, values) {
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new AppError(422, 'bad_role', '--role must be admin, staff or sponsor');
      if (typeof values.email !== 'string') throw new AppError(422, 'bad_email', '--email is required');
      await migrateLatest(c.db);
      const invited = await inviteUser(c.db, c.config.publicUrl, {
        email: values.email, role: role.data, organizationSlug: values.organization as string | undefined,
      });
      console.log(`Created ${role.data} ${invited.email}. This link sets the password (once, within 24 hours):`);
      console.log(invited.link);
    },
  },
  'tokens:create': {
    summary: 'create an API token: --role admin|staff|sponsor [--organization slug] [--label text] [--expires-days 90]',
    options: { role: { type: 'string' }, organization: { type: 'string' }, label: { type: 'string' }, 'expires-days': { type: 'string' } },
    async run(c, values) {
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new AppError(422, 'bad_role', '--role must be admin, staff or sponsor');
      const days = expiryDays.safeParse(values['expires-days'] ?? DEFAULT_TOKEN_DAYS);
      if (!days.success) throw new AppError(422, 'bad_expiry', `--expires-days must be a whole number from 1 to ${MAX_TOKEN_DAYS}`);
      await migrateLatest(c.db);
      const expiresAt = new Date(Date.now() + days.data * 86_400_000);
      const created = await createApiToken(c.db, {
        role: role.data,
        organizationSlug: values.organization as string | undefined,
        label: values.label as string | undefined,
        expiresAt,
      });
      console.log(`Created ${role.data} token ${created.id}, valid until ${expiresAt.toISOString()}. It is shown once; keep it safe:`);
      console.log(created.token);
    },
  },
  purge: {
    summary: "erase contact data of supporters past their organization's retention period (--dry-run lists them)",
    options: { 'dry-run': { type: 'boolean' } },
    async run(c, values) {
      await migrateLatest(c.db);
      const dryRun = values['dry-run'] === true;
      const result = await purgeExpiredSupporters(c.db, { now: new Date(), dryRun });
      for (const r of result.candidates) {
        console.log(`${r.supporterId}  ${r.organizationSlug}  last activity ${r.lastActivityAt.toISOString().slice(0, 10)}  (kept ${r.retentionYears} years)`);
      }
      console.log(dryRun
        ? `Would erase ${result.candidates.length} supporter(s); run without --dry-run to erase`
        : `Erased ${result.erased} supporter(s)`);
    },
  },
  'year-end': {
    summary: 'mail each supporter one summary of their gifts in a year, per organization: --year YYYY',
    options: { year: { type: 'string' } },
    async run(c, values) {
      const year = Number(values.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new AppError(422, 'bad_year', '--year must be a year, e.g. --year 2026');
      await migrateLatest(c.db);
      const { queued, alreadyQueued } = await queueYearEndSummaries(c.db, year);
      console.log(`Queued ${queued} year-end summaries for ${year}${alreadyQueued ? ` (${alreadyQueued} were already queued)` : ''}`);
      // Send now, so the command works without a running server; the server's worker would too.
      const { sent, retried, failed } = await c.outbox.drain();
      console.log(`Emails sent: ${sent}, to retry: ${retried}, failed: ${failed}`);
    },
  },
  export: {
    summary: 'donation CSV: --from YYYY-MM-DD --to YYYY-MM-DD [--organization slug] [--campaign slug] [--out file] [--bom]',
    options: {
      from: { type: 'string' }, to: { type: 'string' }, organization: { type: 'string' }, campaign: { type: 'string' },
      out: { type: 'string' }, bom: { type: 'boolean' },
    },
    async run(c, values) {
      await migrateLatest(c.db);
      await exportDonationsCommand(c.db, values);
    },
  },
  reconcile: {
    summary: 'match a Stripe payout with the ledger: --payout po_…',
    options: { payout: { type: 'string' } },
    async run(c, values) {
      const payoutId = values.payout;
      if (typeof payoutId !== 'string' || !/^po_\w+$/.test(payoutId)) throw new AppError(422, 'bad_payout', '--payout must be a Stripe payout id (po_…)');
      await migrateLatest(c.db);
      const p = await reconcilePayout(c, payoutId);
      console.log(`Payout ${p.id} (${p.status}, arriving ${p.arrivalDate}): ${p.amount} ${p.currency} in minor units`);
      console.log(`${p.transactions} balance transactions, ${p.matched} matched to ledger entries (net ${p.entriesNet}), ${p.unmatched} unmatched; difference ${p.difference}`);
    },
  },
  statement: {
    summary: "an organization's month: --organization slug --month YYYY-MM [--format csv|pdf] [--lang en|es] [--out file]",
    options: { organization: { type: 'string' }, month: { type: 'string' }, format: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' } },
    async run(c, values) {
      await migrateLatest(c.db);
      await statementCommand(c.books, values);
    },
  },
  'books:check': {
    summary: 'prove the ledger, export, staff totals, statements, journals and payouts agree to the cent: --from YYYY-MM-DD --to YYYY-MM-DD',
    options: { from: { type: 'string' }, to: { type: 'string' } },
    async run(c, values) {
      await migrateLatest(c.db);
      await booksCheckCommand(c, values);
    },
  },
  backup: {
    summary: 'dump the whole database (PostgreSQL or embedded) into one file: --out FILE',
    options: { out: { type: 'string' } },
    async run() {},
    async standalone(config, values) {
      if (typeof values.out !== 'string' || values.out === '') throw new AppError(422, 'bad_out', '--out FILE is required');
      const result = await backupDatabase({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pgdata') }, values.out);
      console.log(`Backed up the ${result.kind} database to ${values.out} (${result.bytes} bytes)`);
    },
  },
  restore: {
    summary: 'replace the whole database with a backup made by `backup`: restore FILE',
    positionals: true,
    async run() {},
    async standalone(config, _values, positionals) {
      const file = positionals[0];
      if (!file) throw new AppError(422, 'bad_file', 'Name the backup file: restore FILE');
      const result = await restoreDatabase({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pgdata') }, file);
      console.log(`Restored ${file}${result.keptAside ? `; the previous data directory is kept in ${result.keptAside}` : ''}`);
      console.log('Start Colecta as usual: it applies any migration newer than the backup.');
    },
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return ['Usage: npm run cli -- <command> [options]', '', 'Commands:',
    ...Object.entries(COMMANDS).map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  const { values, positionals } = parseArgs({ args: rest, options: command.options ?? {}, strict: true, allowPositionals: command.positionals === true });
  const config = loadConfig();
  // The embedded database has one owner: never open its files while a server holds them.
  if (command.standalone) {
    const owner = config.databaseUrl ? null : embeddedOwner(config.dataDir);
    if (owner !== null) throw new EmbeddedDatabaseBusy(owner, config.dataDir, `${name} works on the files themselves`);
    await command.standalone(config, values as Record<string, string | boolean | undefined>, positionals);
    return 0;
  }
  // While the server runs, go through its socket: it sees the server's data and the server sees ours.
  const socket = config.databaseUrl ? null : await embeddedSocket(config.dataDir);
  const c = buildContainer(config, socket ? { db: createDb({ embeddedSocket: socket }) } : {});
  try {
    await command.run(c, values as Record<string, string | boolean | undefined>, positionals);
    return 0;
  } finally {
    await c.db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ConfigError || error instanceof AppError || error instanceof TypeError || error instanceof EmbeddedDatabaseBusy
      ? error.message : error);
    if (error instanceof AppError) for (const f of error.fields ?? []) console.error(`  ${f.field}: ${f.message}`);
    process.exit(1);
  },
);
