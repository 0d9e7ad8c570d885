import Stripe from 'stripe';
import { AppError } from '../lib/errors';
import type { PaymentGateway } from './payment-types';
import { verifyWithSecret } from './stripe-gateway';

export interface DemoGatewayOptions {
  readonly publicUrl: string;
  readonly webhookSecret: string;
}

const notInDemo = (): never => {
  throw new AppError(503, 'demo_mode', 'Demo mode has no Stripe account; set STRIPE_SECRET_KEY to take real gifts');
};

/**
 * Stands in for Stripe when no key is set. Events reaching the webhook must be signed with
 * the demo secret kept in $DATA_DIR, exactly as Stripe signs its own.
 */
export function createDemoGateway(options: DemoGatewayOptions): PaymentGateway {
  const signer = new Stripe('sk_test_demo_mode_no_network');
  return {
    createCheckoutSession: async () => notInDemo(),
    retrievePaymentIntentCharge: async () => notInDemo(),
    retrieveBalanceTransaction: async () => notInDemo(),
    findInvoicePaymentIntent: async () => notInDemo(),
    retrieveSubscription: async () => notInDemo(),
    createScheduleFromSubscription: async () => notInDemo(),
    retrieveSchedule: async () => notInDemo(),
    endScheduleAfterMonths: async () => notInDemo(),
    cancelSubscription: async () => notInDemo(),
    listRefunds: async () => notInDemo(),
    retrievePayout: async () => notInDemo(),
    listPayoutBalanceTransactions: async () => notInDemo(),
    verifyEvent: (rawBody, signature) => verifyWithSecret(signer, rawBody, signature, options.webhookSecret),
  };
}
