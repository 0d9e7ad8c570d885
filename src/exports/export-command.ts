import fs from 'node:fs';
import type { Knex } from 'knex';
import { AppError } from '../lib/errors';
import { donationExportRequestSchema, prepareDonationExport } from './donation-export-service';

/** `npm run cli -- export …`: the API's export, run by the operator (every organization), to a file or stdout. */
export async function exportDonationsCommand(db: Knex, values: Record<string, string | boolean | undefined>): Promise<void> {
  const parsed = donationExportRequestSchema.safeParse({
    from: values.from, to: values.to, organization: values.organization, campaign: values.campaign,
    bom: values.bom ? '1' : undefined,
  });
  if (!parsed.success) {
    throw new AppError(422, 'invalid_request', parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('\n'));
  }
  const prepared = await prepareDonationExport(db, 'operator', parsed.data);
  if (typeof values.out === 'string') {
    await prepared.writeTo(fs.createWriteStream(values.out));
    console.error(`Wrote ${values.out}`);
  } else {
    await prepared.writeTo(process.stdout, { end: false });
  }
}
