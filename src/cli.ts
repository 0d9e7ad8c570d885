import { parseArgs } from 'node:util';
import { DEMO_CAMPAIGN_SLUG, ensureDemo } from './campaigns/demo-seed';
import { ConfigError, loadConfig } from './config';
import { buildContainer, type Container } from './container';
import { migrateLatest } from './db/migrate';
import { exportDonationsCommand } from './exports/export-command';
import { reconcilePayout } from './exports/payout-reconciliation';
import { AppError } from './lib/errors';
import { createApiToken, roleSchema } from './staff/api-token-service';

interface Command {
  readonly summary: string;
  readonly options?: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;
  run(c: Container, values: Record<string, string | boolean | undefined>): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'apply database migrations',
    async run(c) {
      const applied = await migrateLatest(c.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date');
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
  'tokens:create': {
    summary: 'create an API token: --role admin|staff|sponsor [--organization slug] [--label text]',
    options: { role: { type: 'string' }, organization: { type: 'string' }, label: { type: 'string' } },
    async run(c, values) {
      const role = roleSchema.safeParse(values.role);
      if (!role.success) throw new AppError(422, 'bad_role', '--role must be admin, staff or sponsor');
      await migrateLatest(c.db);
      const created = await createApiToken(c.db, {
        role: role.data,
        organizationSlug: values.organization as string | undefined,
        label: values.label as string | undefined,
      });
      console.log(`Created ${role.data} token ${created.id}. It is shown once; keep it safe:`);
      console.log(created.token);
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
  const { values } = parseArgs({ args: rest, options: command.options ?? {}, strict: true });
  const c = buildContainer(loadConfig());
  try {
    await command.run(c, values as Record<string, string | boolean | undefined>);
    return 0;
  } finally {
    await c.db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ConfigError || error instanceof AppError || error instanceof TypeError ? error.message : error);
    process.exit(1);
  },
);
