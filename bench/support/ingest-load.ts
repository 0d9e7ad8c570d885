/**
 * The load generator, run as its own process (`tsx bench/support/ingest-load.ts`) so that it
 * never shares an event loop with the server it measures. It reads a LoadPlan as JSON on
 * stdin, posts one signed invoice.paid event per donation, and writes a LoadResult as JSON on
 * stdout.
 */
import http from 'node:http';
import { Client } from 'pg';
import Stripe from 'stripe';
import { eventSuffix } from './ingest-ids';

export interface LoadPlan {
  readonly url: string;
  readonly webhookSecret: string;
  readonly concurrency: number;
  /** Makes event and object ids unique across runs against one database. */
  readonly runTag: string;
  readonly warmupDonationIds: readonly string[];
  readonly donationIds: readonly string[];
  /**
   * The service's database: in a burst the service answers some events 'queued' and processes
   * them after; the generator then waits for that queue to empty, after the warm-up (so the
   * measured part starts from none) and after the measured part (its processed rate).
   */
  readonly queueDatabaseUrl?: string;
}

export interface LoadResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly warmupNon2xx: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly sampleErrors: readonly string[];
  readonly meanBodyBytes: number;
  /** The load generator's own CPU use over the measured part, in % of one core. */
  readonly clientCpuPercent: number;
  /** Measured events the service answered 'queued' (stored, processed after the answer). */
  readonly queued: number;
  /** From the first measured post until the last event was processed (null without queueDatabaseUrl). */
  readonly processedSeconds: number | null;
  readonly processedPerSecond: number | null;
}

interface SignedEvent {
  readonly body: Buffer;
  readonly signature: string;
}

function invoicePaidEvent(suffix: string, donationId: string, at: number): object {
  const period = { start: at, end: at + 31 * 86400 };
  const invoice = {
    id: `in_${suffix}`, object: 'invoice', account_country: 'US', account_name: 'Demo Fiscal Sponsor, Inc.',
    amount_due: 2000, amount_overpaid: 0, amount_paid: 2000, amount_remaining: 0, amount_shipping: 0,
    attempt_count: 1, attempted: true, auto_advance: false, billing_reason: 'subscription_create',
    collection_method: 'charge_automatically', created: at, currency: 'usd', customer: `cus_${suffix}`,
    customer_email: `bench-${suffix}@example.org`, customer_name: 'Bench Supporter', description: null,
    discounts: [], due_date: null, effective_at: at, ending_balance: 0, footer: null,
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_bench/test_${suffix}`, livemode: false, metadata: {},
    number: `BENCH-${suffix.slice(-8)}`, on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { subscription: `sub_${suffix}`, metadata: { donation_id: donationId } },
    },
    lines: {
      object: 'list', has_more: false, total_count: 1, url: `/v1/invoices/in_${suffix}/lines`,
      data: [{
        id: `il_${suffix}`, object: 'line_item', amount: 2000, currency: 'usd', description: '1 × Organizer training 2027',
        invoice: `in_${suffix}`, livemode: false, metadata: { donation_id: donationId }, period,
        parent: { type: 'subscription_item_details', subscription_item_details: { subscription: `sub_${suffix}`, subscription_item: `si_${suffix}`, proration: false } },
        pricing: { type: 'price_details', price_details: { price: `price_${suffix}`, product: 'prod_bench' }, unit_amount_decimal: '2000' },
        quantity: 1,
      }],
    },
    period_end: at, period_start: at, post_payment_credit_notes_amount: 0, pre_payment_credit_notes_amount: 0,
    receipt_number: null, starting_balance: 0, statement_descriptor: null, status: 'paid',
    status_transitions: { finalized_at: at, marked_uncollectible_at: null, paid_at: at, voided_at: null },
    subtotal: 2000, subtotal_excluding_tax: 2000, test_clock: null, total: 2000, total_discount_amounts: [],
    total_excluding_tax: 2000, total_pretax_credit_amounts: [], total_taxes: [], webhooks_delivered_at: null,
  };
  return {
    id: `evt_${suffix}`, object: 'event', api_version: '2026-10-28.endive', created: at, livemode: false,
    pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'invoice.paid', data: { object: invoice },
  };
}

function signEvents(plan: LoadPlan, phase: 'w' | 'm', donationIds: readonly string[]): SignedEvent[] {
  const at = Math.floor(Date.now() / 1000);
  return donationIds.map((donationId, i) => {
    const payload = JSON.stringify(invoicePaidEvent(eventSuffix(plan.runTag, phase, i), donationId, at));
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: plan.webhookSecret });
    return { body: Buffer.from(payload), signature };
  });
}

function post(agent: http.Agent, url: URL, event: SignedEvent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': event.body.length, 'Stripe-Signature': event.signature },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(event.body);
  });
}

interface PhaseOutcome {
  readonly latenciesMs: Float64Array;
  readonly seconds: number;
  readonly statuses: Record<string, number>;
  readonly sampleErrors: string[];
  readonly queued: number;
}

/** Keeps `concurrency` requests in flight until every event has been answered. */
async function drive(plan: LoadPlan, agent: http.Agent, events: readonly SignedEvent[]): Promise<PhaseOutcome> {
  const url = new URL(plan.url);
  const latenciesMs = new Float64Array(events.length);
  const statuses: Record<string, number> = {};
  const sampleErrors: string[] = [];
  let queued = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < events.length; i = next++) {
      const started = performance.now();
      let status: string;
      try {
        const answer = await post(agent, url, events[i] as SignedEvent);
        status = String(answer.status);
        if ((answer.status < 200 || answer.status >= 300) && sampleErrors.length < 5) sampleErrors.push(`${status} ${answer.body.slice(0, 300)}`);
        if (answer.body.includes('"outcome":"queued"')) queued += 1;
      } catch (error) {
        status = 'network';
        if (sampleErrors.length < 5) sampleErrors.push(`network ${error instanceof Error ? error.message : String(error)}`);
      }
      latenciesMs[i] = performance.now() - started;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return { latenciesMs, seconds: (performance.now() - started) / 1000, statuses, sampleErrors, queued };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const non2xxIn = (statuses: Record<string, number>) =>
  Object.entries(statuses).filter(([s]) => !/^2\d\d$/.test(s)).reduce((sum, [, n]) => sum + n, 0);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Polls until no accepted event is left unprocessed; gives up (null) after five minutes. */
async function untilQueueIsEmpty(db: Client | null): Promise<number | null> {
  if (!db) return null;
  const deadline = performance.now() + 5 * 60_000;
  while (performance.now() < deadline) {
    const { rows } = await db.query<{ n: string }>(
      'select count(*) as n from stripe_events where processed_at is null and queued_payload is not null and last_error is null');
    if (Number(rows[0]?.n ?? 0) === 0) return performance.now();
    // Every 100 ms: a finer poll would cost the database more than it sharpens a 10-second figure.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const warmupEvents = signEvents(plan, 'w', plan.warmupDonationIds);
  const events = signEvents(plan, 'm', plan.donationIds);
  const db = plan.queueDatabaseUrl ? new Client({ connectionString: plan.queueDatabaseUrl }) : null;
  await db?.connect();
  const warmup = await drive(plan, agent, warmupEvents);
  await untilQueueIsEmpty(db);

  const cpuBefore = process.cpuUsage();
  const measuredStart = performance.now();
  const measured = await drive(plan, agent, events);
  const cpu = process.cpuUsage(cpuBefore);
  const emptyAt = await untilQueueIsEmpty(db);
  await db?.end();
  agent.destroy();
  const processedSeconds = emptyAt === null ? null : (emptyAt - measuredStart) / 1000;

  const sorted = measured.latenciesMs.slice().sort();
  return {
    events: events.length,
    seconds: round(measured.seconds, 3),
    eventsPerSecond: round(events.length / measured.seconds, 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    non2xx: non2xxIn(measured.statuses),
    warmupNon2xx: non2xxIn(warmup.statuses),
    statuses: measured.statuses,
    sampleErrors: [...warmup.sampleErrors, ...measured.sampleErrors].slice(0, 5),
    meanBodyBytes: Math.round(events.reduce((sum, e) => sum + e.body.length, 0) / Math.max(1, events.length)),
    clientCpuPercent: round(((cpu.user + cpu.system) / 1000 / (measured.seconds * 1000)) * 100, 1),
    queued: measured.queued,
    processedSeconds: processedSeconds === null ? null : round(processedSeconds, 3),
    processedPerSecond: processedSeconds === null ? null : round(events.length / processedSeconds, 1),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  readStdin()
    .then((input) => runLoad(JSON.parse(input) as LoadPlan))
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
