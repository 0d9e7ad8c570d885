import path from 'node:path';
import type { Knex } from 'knex';
import { createBooksService, type BooksService } from './books/books-service';
import { createCheckoutService, type CheckoutService } from './checkout/checkout-service';
import { createDonationFormService, type DonationFormService } from './donate/form-service';
import { createThanksService, type ThanksService } from './donate/thanks-service';
import { createHealthService, type HealthService } from './health-service';
import { createProgressService, type ProgressService } from './ledger/progress-service';
import { createManageService, type ManageService } from './supporters/manage-service';
import { createMyGiftsService, type MyGiftsService } from './supporters/my-gifts-service';
import { createUnsubscribeService, type UnsubscribeService } from './supporters/unsubscribe-service';
import type { Config } from './config';
import { createDb } from './db/knex';
import { outboxTransport, smtpTransport, type MailTransport } from './email/mail-transport';
import { createOutboxWorker, type OutboxWorker } from './email/outbox-worker';
import { createEmailRenderer, type EmailRenderer } from './email/renderer';
import { createLogger, type Logger } from './lib/logger';
import { readOrCreateSecret } from './lib/secret-file';
import { sweepLedgerWork } from './ledger/ledger-service';
import { createDemoGateway } from './stripe/demo-gateway';
import { DemoStore } from './stripe/demo/demo-store';
import type { PaymentGateway } from './stripe/payment-types';
import { createStripeGateway } from './stripe/stripe-gateway';
import { createWebhookQueue, type WebhookQueue } from './stripe/webhook-queue';
import { createStaffServices, type StaffServices } from './staff/staff-services';
import type { RequestHandler } from 'express';
import { checkoutRateLimits } from './checkout/checkout-rate-limit';
import { limiterFactory } from './lib/rate-limits';
import { signInRateLimits } from './staff/auth-routes';
import { manageLinkRateLimit } from './supporters/manage-routes';

export interface Container {
  readonly config: Config;
  readonly db: Knex;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly sessionSecret: string;
  /** Demo mode's stand-in Stripe account; null when a real (or test) gateway is used. */
  readonly demo: { readonly store: DemoStore; readonly webhookSecret: string } | null;
  readonly renderer: EmailRenderer;
  /** Sends the emails table's queued messages; server.ts starts and stops it, tests drain it. */
  readonly outbox: OutboxWorker;
  /** Processes Stripe's deliveries, at once or, in a burst, from the stripe_events queue. */
  readonly webhooks: WebhookQueue;
  /** The fiscal sponsor's statements, journals and their accounts. */
  readonly books: BooksService;
  readonly health: HealthService;
  /** The public side: checkout, the form and widget, progress, thank-you, unsubscribe, manage and "my gifts". */
  readonly checkout: CheckoutService;
  readonly forms: DonationFormService;
  readonly progress: ProgressService;
  readonly thanks: ThanksService;
  readonly unsubscribe: UnsubscribeService;
  readonly manage: ManageService;
  readonly myGifts: MyGiftsService;
  /** The /admin pages' and /api/admin's services, one per feature. */
  readonly staff: StaffServices;
  /** Every rate limit, counted in PostgreSQL when DATABASE_URL is set (shared by instances), else in memory. */
  readonly rateLimits: {
    readonly checkout: RequestHandler[];
    readonly signIn: [RequestHandler, RequestHandler];
    readonly manageLink: RequestHandler;
  };
}

export interface ContainerOverrides {
  readonly db?: Knex;
  readonly gateway?: PaymentGateway;
  readonly logger?: Logger;
  readonly mailTransport?: MailTransport;
  /** Count rate limits in the database even without DATABASE_URL (tests pass their own PostgreSQL db). */
  readonly sharedRateLimits?: boolean;
}

export function buildContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const db = overrides.db ?? createDb({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pgdata') });
  const demo = !overrides.gateway && !config.stripe.secretKey
    ? { store: new DemoStore(db), webhookSecret: readOrCreateSecret(config.dataDir, 'demo-webhook-secret', 'whsec_demo') }
    : null;
  const gateway = overrides.gateway ?? (!demo
    ? createStripeGateway({
        secretKey: config.stripe.secretKey as string,
        webhookSecret: config.stripe.webhookSecret as string,
        apiBase: config.stripe.apiBase,
      })
    : createDemoGateway({ publicUrl: config.publicUrl, webhookSecret: demo.webhookSecret, store: demo.store }));
  const sessionSecret = config.sessionSecret ?? readOrCreateSecret(config.dataDir, 'session-secret');
  const renderer = createEmailRenderer();
  const transport = overrides.mailTransport ?? (config.smtpUrl
    ? smtpTransport(config.smtpUrl)
    : outboxTransport(path.join(config.dataDir, 'outbox'), logger));
  const webhooks = createWebhookQueue({ db, gateway, logger }, {
    slots: config.webhookSlots.total, inlineSlots: config.webhookSlots.inline,
  });
  const outbox = createOutboxWorker({
    db, transport, renderer, logger, publicUrl: config.publicUrl, mailFrom: config.mailFrom,
    beforeSweep: async () => {
      webhooks.kick();
      await sweepLedgerWork({ db, gateway, logger });
    },
  });
  const books = createBooksService(db);
  const checkoutDeps = { db, gateway, publicUrl: config.publicUrl, logger };
  const publicServices = {
    health: createHealthService(db),
    checkout: createCheckoutService(checkoutDeps),
    forms: createDonationFormService(checkoutDeps),
    progress: createProgressService(db),
    thanks: createThanksService(db),
    unsubscribe: createUnsubscribeService(db),
    manage: createManageService(db, logger),
    myGifts: createMyGiftsService({ db, gateway, logger }),
  };
  const staff = createStaffServices({ db, gateway, logger });
  const limiter = limiterFactory(db, Boolean(config.databaseUrl) || overrides.sharedRateLimits === true);
  const rateLimits = {
    checkout: checkoutRateLimits(config.checkoutLimits, limiter),
    signIn: signInRateLimits(limiter),
    manageLink: manageLinkRateLimit(limiter),
  };
  return { config, db, gateway, logger, sessionSecret, demo, renderer, webhooks, outbox, books, ...publicServices, staff, rateLimits };
}
