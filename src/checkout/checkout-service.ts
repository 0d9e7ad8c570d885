import type { Knex } from 'knex';
import { findCampaignBySlug } from '../campaigns/campaign-repository';
import { isOpen, type Campaign } from '../campaigns/campaign-types';
import { insertDonation, updateDonation } from '../donations/donation-repository';
import { AppError, type FieldMessage } from '../lib/errors';
import type { Logger } from '../lib/logger';
import { grossUpForFees, toDecimalString } from '../lib/money';
import type { PaymentGateway } from '../stripe/payment-types';
import { findFormSettings } from '../donate/form-settings-repository';
import { upsertSupporter } from '../supporters/supporter-repository';
import { unaskedFieldProblems } from './asked-fields';
import type { CheckoutRequest, CheckoutResult } from './checkout-schemas';

// Stripe refuses a single charge above 999,999.99 in two-decimal currencies.
const STRIPE_MAX_CHARGE = 99_999_999;

export interface CheckoutDeps {
  readonly db: Knex;
  readonly gateway: PaymentGateway;
  readonly publicUrl: string;
  readonly logger: Logger;
  readonly now?: () => Date;
}

function campaignFieldProblems(campaign: Campaign, req: CheckoutRequest, chargeAmount: number): FieldMessage[] {
  const problems: FieldMessage[] = [];
  const { currency } = campaign;
  if (req.currency && req.currency !== currency) {
    problems.push({ field: 'currency', message: `must be ${currency} for this campaign` });
  }
  if (req.amount < campaign.minAmount || req.amount > campaign.maxAmount) {
    problems.push({
      field: 'amount',
      message: `must be between ${toDecimalString(campaign.minAmount, currency)} and ${toDecimalString(campaign.maxAmount, currency)} ${currency.toUpperCase()}`,
    });
  } else if (chargeAmount > STRIPE_MAX_CHARGE) {
    problems.push({ field: 'amount', message: 'is more than a card can be charged at once' });
  }
  if (req.frequency === 'monthly' && !campaign.monthlyEnabled) {
    problems.push({ field: 'frequency', message: 'this campaign takes one-time gifts only' });
  }
  if (req.endsWith === 'campaign_end' && !campaign.endsAt) {
    problems.push({ field: 'endsWith', message: 'this campaign has no end date' });
  } else if (req.endsWith === 'goal_met' && !campaign.goal) {
    problems.push({ field: 'endsWith', message: 'this campaign has no goal' });
  }
  return problems;
}

/** A supporter's choice becomes a donation row, then a Stripe Checkout Session that carries its id. */
export async function startCheckout(deps: CheckoutDeps, req: CheckoutRequest): Promise<CheckoutResult> {
  const campaign = await findCampaignBySlug(deps.db, req.campaign);
  if (!campaign || !isOpen(campaign, deps.now?.() ?? new Date())) {
    throw new AppError(404, 'campaign_not_found', 'This campaign was not found or is not taking gifts');
  }
  const earmarkCode = req.earmark ?? 'general';
  const earmark = campaign.earmarks.find((e) => e.code === earmarkCode);
  if (!earmark) throw new AppError(404, 'earmark_not_found', `This campaign has no earmark "${earmarkCode}"`);

  const chargeAmount = req.coverFees ? grossUpForFees(req.amount, campaign.feeRule) : req.amount;
  const settings = await findFormSettings(deps.db, campaign.id);
  if (settings?.archived) throw new AppError(404, 'campaign_not_found', 'This campaign was not found or is not taking gifts');
  const problems = [...campaignFieldProblems(campaign, req, chargeAmount), ...(settings ? unaskedFieldProblems(settings.ask, req) : [])];
  if (problems.length > 0) throw AppError.invalid(problems);

  const installments = req.frequency === 'monthly' ? (req.installments ?? null) : null;
  const endsWith = req.frequency === 'monthly' ? (req.endsWith ?? null) : null;
  const { donationId, customerId } = await deps.db.transaction(async (tx) => {
    const supporter = await upsertSupporter(tx, campaign.organizationId, {
      ...req.supporter,
      locale: req.locale,
      emailUpdates: req.emailUpdates,
    });
    const id = await insertDonation(tx, {
      campaignId: campaign.id, earmarkId: earmark.id, supporterId: supporter.id, amount: req.amount, chargeAmount,
      currency: campaign.currency, frequency: req.frequency, installments, endsWith, coverFees: req.coverFees,
      anonymous: req.anonymous, note: req.note ?? null, locale: req.locale,
    });
    return { donationId: id, customerId: supporter.stripeCustomerId };
  });

  const title = campaign.title[req.locale];
  const label = earmark.label[req.locale];
  const session = await deps.gateway.createCheckoutSession({
    donationId,
    mode: req.frequency === 'monthly' ? 'subscription' : 'payment',
    currency: campaign.currency,
    chargeAmount,
    productName: `${title} – ${label}`,
    description: `${title} – ${label}`,
    customerEmail: req.supporter.email.toLowerCase(),
    customerId,
    locale: req.locale,
    successUrl: `${deps.publicUrl}/donate/${campaign.slug}/thanks?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${deps.publicUrl}/donate/${campaign.slug}?lang=${req.locale}`,
  }).catch(async (error: unknown) => {
    if (error instanceof AppError) throw error;
    deps.logger.error({ err: error, donationId }, 'Stripe refused the checkout session');
    await updateDonation(deps.db, donationId, { status: 'failed', statusChangedAt: new Date() });
    throw new AppError(502, 'payment_provider_unavailable', 'The payment page could not be opened; please try again in a moment');
  });
  await updateDonation(deps.db, donationId, { checkoutSessionId: session.id });
  deps.logger.info({ donationId, checkoutSessionId: session.id, frequency: req.frequency }, 'checkout session created');
  return { id: session.id, url: session.url, donationId };
}

/** The JSON API's checkout: a supporter's choice to a Checkout Session. */
export interface CheckoutService {
  startCheckout(req: CheckoutRequest): Promise<CheckoutResult>;
}

export function createCheckoutService(deps: CheckoutDeps): CheckoutService {
  return { startCheckout: (req) => startCheckout(deps, req) };
}
