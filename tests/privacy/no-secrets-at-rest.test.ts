import type { MailTransport, OutgoingMessage } from '../../src/email/mail-transport';
import { createOutboxWorker } from '../../src/email/outbox-worker';
import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { bearer, staffUser } from '../staff/staff-helpers';

const t = useAppWithStripe();

/** Every email row, sent or queued, as one text: nothing in it may open a link. */
async function everyEmailRow(): Promise<string> {
  return JSON.stringify(await t.app.db('emails').select());
}
const SECRETISH = /[A-Za-z0-9_-]{40,}/;

/** A mail server that refuses the first message it is given, then takes everything, keeping each text. */
function flakyTransport() {
  const seen: string[] = [];
  let refused = false;
  const transport: MailTransport = {
    async send(message: OutgoingMessage) {
      seen.push(message.text);
      if (!refused) {
        refused = true;
        throw new Error('421 try again later');
      }
      return `<sent-${seen.length}@test>`;
    },
    close() {},
  };
  const worker = createOutboxWorker({
    db: t.app.db, transport, renderer: t.app.container.renderer, logger: t.app.container.logger,
    publicUrl: 'http://localhost:3000', mailFrom: 'Colecta <no-reply@localhost>', baseDelayMs: 0,
  });
  return { seen, worker };
}

const linkIn = (text: string, pattern: RegExp) => (pattern.exec(text)?.[1] ?? '') as string;

/**
 * For a queued reset-style message (reset or invitation): no row holds a link before or after
 * sending; a refused first send mints a new link, and only the last one opens the password form.
 */
async function expectResetLinkMintedAtSend(): Promise<void> {
  expect(await everyEmailRow()).not.toMatch(/token=/);
  expect(await everyEmailRow()).not.toMatch(SECRETISH);

  const { seen, worker } = flakyTransport();
  await worker.drain();
  await worker.drain();
  const links = seen.map((text) => linkIn(text, /http:\/\/localhost:3000(\/admin\/reset\?token=[A-Za-z0-9_-]+)/));
  expect(links).toHaveLength(2);
  const rows = await everyEmailRow();
  for (const link of links) expect(rows).not.toContain(link.split('=').at(-1));
  expect(rows).not.toMatch(/token=/);

  const stale = await fetch(t.app.baseUrl + links[0], { redirect: 'manual' });
  const fresh = await fetch(t.app.baseUrl + links[1], { redirect: 'manual' });
  expect(await fresh.text()).toMatch(/name="password"/);
  expect(await stale.text()).not.toMatch(/name="password"/);
}

describe('no usable secret at rest in the emails table', () => {
  it('manage links: the queued row names the token row only; each send attempt mints a new link and only the last works', async () => {
    const body = buildCheckoutBody({ amount: 2100 });
    const res = await t.app.postJson('/api/checkout-sessions', body);
    const paid = t.stripe.payOneTime(res.body.id);
    await t.app.deliver('checkout.session.completed', paid.session);
    const email = (body.supporter as { email: string }).email;
    await t.app.drainOutbox();

    const asked = await fetch(`${t.app.baseUrl}/manage`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email }),
    });
    expect(asked.status).toBe(200);
    const queued = await t.app.db('emails').where({ template: 'manage_link' }).first();
    expect(queued.status).toBe('queued');
    expect(Object.keys(queued.data)).toEqual(['manageTokenId']);
    expect(await everyEmailRow()).not.toMatch(SECRETISH);

    const { seen, worker } = flakyTransport();
    // Refused, put back with no delay, and sent on the next claim of the same sweep.
    expect(await worker.drain()).toEqual({ sent: 1, retried: 1, failed: 0 });
    const [first, second] = seen.map((text) => linkIn(text, /http:\/\/localhost:3000(\/manage\/[A-Za-z0-9_-]+)/));
    expect(first).toMatch(/^\/manage\/.{40,}/);
    expect(second).toMatch(/^\/manage\/.{40,}/);
    expect(second).not.toBe(first);

    const rows = await everyEmailRow();
    expect(rows).toContain('"sent"');
    for (const link of [first, second] as string[]) expect(rows).not.toContain(link.split('/').at(-1));
    expect(rows).not.toMatch(SECRETISH);

    expect((await fetch(t.app.baseUrl + first, { redirect: 'manual' })).status).toBe(410);
    expect((await fetch(t.app.baseUrl + second, { redirect: 'manual' })).status).toBe(303);
  });

  it('password resets: no row holds the link, sent or queued, and the mailed link opens the reset page', async () => {
    const user = await staffUser(t.app.db, 'admin');
    const page = await fetch(`${t.app.baseUrl}/admin/forgot-password`);
    const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const asked = await fetch(`${t.app.baseUrl}/admin/forgot-password`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, email: user.email }), redirect: 'manual',
    });
    expect(asked.status).toBe(303);
    const queued = await t.app.db('emails').where({ template: 'password_reset', recipient: user.email }).first();
    expect(queued.status).toBe('queued');
    await expectResetLinkMintedAtSend();
  });

  it('staff invitations: no row holds the link, sent or queued, and the mailed link sets the password once', async () => {
    const headers = { ...(await bearer(t.app.db, 'admin')), 'content-type': 'application/json' };
    const invited = await fetch(`${t.app.baseUrl}/api/admin/users`, {
      method: 'POST', headers, body: JSON.stringify({ email: 'new-organizer@example.org', role: 'staff', organization: 'demo-network' }),
    });
    expect(invited.status).toBe(201);
    const queued = await t.app.db('emails').where({ template: 'staff_invitation', recipient: 'new-organizer@example.org' }).first();
    expect(queued.status).toBe('queued');
    await expectResetLinkMintedAtSend();
  });
});
