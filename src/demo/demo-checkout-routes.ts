import type { Request } from 'express';
import express, { Router } from 'express';
import { z } from 'zod';
import { translate } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { findDemoSession, payDemoCheckout } from '../stripe/demo/demo-payment';
import type { DemoStore } from '../stripe/demo/demo-store';
import { sendPage } from '../web/send-page';

const paramsSchema = z.object({ id: z.string().regex(/^cs_demo_[0-9a-f]{20}$/, 'must be a demo checkout id') });

export interface DemoCheckoutDeps {
  readonly store: DemoStore;
  readonly webhookSecret: string;
}

/** This process's own address as the client reached it, for sending the demo's webhooks to itself. */
function selfUrl(req: Request): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort ?? 80}`;
}

/** Demo mode's stand-in for Stripe Checkout: says plainly that no money moves. */
export function demoCheckoutRoutes(deps: DemoCheckoutDeps): Router {
  const router = Router();
  router.get('/demo/checkout/:id', async (req, res) => {
    const { id } = parseOr422(paramsSchema, req.params);
    const session = await findDemoSession(deps.store, id);
    const { locale } = session;
    const card = session.mode === 'setup';
    const amount = card ? '' : formatMoney(session.amount, session.currency, locale);
    res.set('Cache-Control', 'no-store');
    sendPage(res, 200, 'demo-checkout', {
      locale,
      title: translate(locale, 'demo.title'),
      productName: card ? translate(locale, 'gifts.card') : session.productName,
      amount,
      payLabel: card ? translate(locale, 'demo.saveCard')
        : translate(locale, session.mode === 'subscription' ? 'demo.payMonthly' : 'demo.pay', { amount }),
      paid: session.paid,
      action: `/demo/checkout/${id}`,
      cancelUrl: session.cancelUrl,
    });
  });
  router.post('/demo/checkout/:id', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const { id } = parseOr422(paramsSchema, req.params);
    const successUrl = await payDemoCheckout({ store: deps.store, webhookSecret: deps.webhookSecret, selfUrl: selfUrl(req) }, id);
    res.redirect(303, successUrl);
  });
  return router;
}
