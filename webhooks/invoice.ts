import { z } from 'zod';
import { onInvoicePaid, onInvoicePaymentFailed, prepareInvoice, type PaidInvoice } from '../src/donations/donation-events';
import { donationIdFrom, metadata, stripeId, timestamp } from './stripe-shapes';
import { withPrepare, type WebhookHandlers } from './webhook-types';

// API 2026-10-28: the subscription is under parent.subscription_details, not invoice.subscription.
const invoiceSchema = z
  .object({
    id: z.string().startsWith('in_'),
    billing_reason: z.string().nullable(),
    amount_paid: z.number().int().nonnegative(),
    parent: z
      .object({
        subscription_details: z.object({ subscription: stripeId, metadata }).nullish(),
      })
      .nullish(),
    lines: z.object({ data: z.array(z.object({ period: z.object({ start: timestamp, end: timestamp }) })) }).optional(),
  })
  .transform((i): PaidInvoice => {
    const details = i.parent?.subscription_details ?? null;
    return {
      id: i.id,
      subscriptionId: details?.subscription ?? null,
      donationId: details ? donationIdFrom(details.metadata) : null,
      billingReason: i.billing_reason,
      periodStart: i.lines?.data[0]?.period.start ?? null,
      amountPaid: i.amount_paid,
    };
  });

export const invoiceHandlers: WebhookHandlers = {
  'invoice.paid': withPrepare(
    (deps, object) => prepareInvoice(deps, invoiceSchema.parse(object)),
    (ctx, object, prepared) => onInvoicePaid(ctx, invoiceSchema.parse(object), prepared),
  ),
  'invoice.payment_failed': (ctx, object) => onInvoicePaymentFailed(ctx, invoiceSchema.parse(object)),
};
