import { booksApiRoutes } from '../books/books-api';
import { earmarkUseApiRoutes } from '../earmarks/earmark-use-api';
import { z } from 'zod';
import {
  campaignViewSchema, createCampaignSchema, slugSchema, updateCampaignSchema,
} from '../campaigns/campaign-admin-schemas';
import { publicView } from '../campaigns/campaign-admin-service';
import { AppError } from '../lib/errors';
import { ledgerEntryViewSchema, ledgerSearchSchema } from '../ledger/ledger-search';
import { offlineGiftSchema } from '../ledger/offline-gift-service';
import { refundRequestSchema } from '../ledger/refund-service';
import { erasureResultSchema } from '../supporters/supporter-erasure-service';
import { route, type ApiRoute } from './api-route-table';
import { goingLiveApiRoutes } from './going-live-api';
import { organizationPatchSchema, organizationViewSchema } from '../organizations/organization-schemas';
import { campaignUpdateApiRoutes } from '../campaigns/campaign-update-api';
import { exportApiRoutes } from '../exports/export-api';
import { attentionEventSchema, eventQueueSchema } from '../stripe/event-attention';
import { organizationParams } from './organization-settings-service';
import { assertCanRead, readableOrganization } from './principal';
import { tokenCreateSchema, tokenViewSchema } from './token-admin-service';
import type { StaffDeps } from './staff-context';

const campaignParams = z.object({ campaign: slugSchema });
const entryParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const money = z.object({
  gross: z.number().int(), fees: z.number().int(), net: z.number().int(), refunded: z.number().int(),
  disputed: z.number().int(), raised: z.number().int(),
  sponsorFee: z.number().int().describe('the fiscal sponsor\'s administrative fee, as charged on each entry'),
  netToOrganization: z.number().int().describe('net less the sponsor fee'),
});
const totalsSchema = money.extend({
  campaign: z.string(), currency: z.string(), goal: z.number().int().nullable(), entries: z.number().int(),
  earmarks: z.array(money.extend({ code: z.string(), label: z.string(), goal: z.number().int().nullable() })),
  months: z.array(money.extend({ month: z.string().describe('YYYY-MM in the organization\'s time zone') })),
  frequencies: z.object({ once: money, monthly: money }),
  monthlySupporters: z.object({ active: z.number().int(), failing: z.number().int(), ended: z.number().int() }),
});

/** Every /api/admin route: parse, one service call, answer. */
export function adminApiRoutes(deps: StaffDeps): ApiRoute[] {
  const { campaigns, ledger } = deps;
  return [
    route({
      method: 'get', path: '/api/admin/campaigns', summary: 'Campaigns the caller may read',
      response: z.object({ data: z.array(campaignViewSchema) }),
      handle: async ({ principal }) => ({ data: (await campaigns.listCampaigns(principal)).map(publicView) }),
    }),
    route({
      method: 'post', path: '/api/admin/campaigns', summary: 'Create a campaign with its earmarks', status: 201,
      body: createCampaignSchema, response: campaignViewSchema,
      handle: ({ principal, body }) => campaigns.createCampaign(principal, body),
    }),
    route({
      method: 'get', path: '/api/admin/campaigns/:campaign', summary: 'One campaign', params: campaignParams,
      response: campaignViewSchema,
      handle: async ({ principal, params }) => publicView(await campaigns.readCampaign(principal, params.campaign)),
    }),
    route({
      method: 'patch', path: '/api/admin/campaigns/:campaign', summary: 'Change a campaign and its earmarks',
      params: campaignParams, body: updateCampaignSchema, response: campaignViewSchema,
      handle: ({ principal, params, body }) => campaigns.updateCampaign(principal, params.campaign, body),
    }),
    route({
      method: 'get', path: '/api/admin/campaigns/:campaign/totals',
      summary: 'Gross, fees, net, refunded; by earmark, month and frequency; monthly supporters — all from the ledger',
      params: campaignParams, response: totalsSchema,
      handle: ({ principal, params }) => ledger.campaignTotalsBySlug(principal, params.campaign),
    }),
    route({
      method: 'get', path: '/api/admin/donations', summary: 'Ledger entries, newest first, with filters and an opaque cursor',
      query: ledgerSearchSchema,
      response: z.object({ data: z.array(ledgerEntryViewSchema), nextCursor: z.string().nullable() }),
      handle: async ({ principal, query }) => {
        if (query.campaign) await campaigns.readCampaign(principal, query.campaign);
        return ledger.searchLedger(readableOrganization(principal), query);
      },
    }),
    route({
      method: 'get', path: '/api/admin/ledger/:id', summary: 'One ledger entry and the other entries of its donation',
      params: entryParams,
      response: z.object({ entry: ledgerEntryViewSchema, donationEntries: z.array(ledgerEntryViewSchema) }),
      handle: async ({ principal, params }) => {
        const found = await ledger.findLedgerEntry(params.id);
        if (!found) throw AppError.notFound('Ledger entry');
        assertCanRead(principal, found.organizationId);
        const { organizationId: _o, ...entry } = found;
        return { entry, donationEntries: entry.donationId ? await ledger.entriesOfDonation(entry.donationId) : [entry] };
      },
    }),
    route({
      method: 'post', path: '/api/admin/offline-donations', summary: 'Record a check, cash or bank transfer, with its receipt number',
      status: 201, body: offlineGiftSchema,
      response: z.object({ ledgerEntryId: z.number().int(), donationId: z.string(), receiptNumber: z.string() }),
      handle: ({ principal, body }) => ledger.recordOfflineGift(principal, body),
    }),
    route({
      method: 'post', path: '/api/admin/ledger/:id/refund',
      summary: 'Refund a Stripe payment, whole or part; answers 202: the ledger changes when Stripe\'s event arrives',
      status: 202, params: entryParams, body: refundRequestSchema,
      response: z.object({ refundId: z.string(), chargeId: z.string(), amount: z.number().int(), status: z.string(), message: z.string() }),
      handle: ({ principal, params, body }) => ledger.requestRefund(principal, params.id, body.amount),
    }),
    route({
      method: 'get', path: '/api/admin/tokens', summary: 'API tokens (never the secrets)',
      response: z.object({ data: z.array(tokenViewSchema) }),
      handle: async ({ principal }) => ({ data: await deps.tokens.listTokens(principal) }),
    }),
    route({
      method: 'post', path: '/api/admin/tokens', summary: 'Create an API token; the token is in this answer only', status: 201,
      body: tokenCreateSchema, response: z.object({ id: z.string(), token: z.string() }),
      handle: ({ principal, body }) => deps.tokens.createTokenAs(principal, body),
    }),
    route({
      method: 'delete', path: '/api/admin/tokens/:id', summary: 'Revoke an API token', params: z.object({ id: z.uuid() }),
      response: z.object({ revoked: z.boolean() }),
      handle: async ({ principal, params }) => {
        await deps.tokens.revokeToken(principal, params.id);
        return { revoked: true };
      },
    }),
    route({
      method: 'get', path: '/api/admin/organizations/:organization',
      summary: 'An organization: name, time zone, fees, receipt text, archive state and form settings (embedding origins, optional fields, retention)',
      params: organizationParams, response: organizationViewSchema,
      handle: ({ principal, params }) => deps.organizations.readOrganization(principal, params.organization),
    }),
    route({
      method: 'patch', path: '/api/admin/organizations/:organization',
      summary: 'Change an organization (name, slug, time zone, fees, archive: admin; receipt text and form settings: its staff too); all or nothing, audited',
      params: organizationParams, body: organizationPatchSchema, response: organizationViewSchema,
      handle: ({ principal, params, body }) => deps.organizations.updateOrganization(principal, params.organization, body),
    }),
    route({
      method: 'post', path: '/api/admin/supporters/:id/erase',
      summary: 'Erase a supporter\'s contact data at their request (ledger amounts, dates and receipt numbers stay); audited',
      params: z.object({ id: z.uuid() }), response: erasureResultSchema,
      handle: ({ principal, params }) => deps.erasure.eraseSupporterOnRequest(principal, params.id),
    }),
    route({
      method: 'get', path: '/api/admin/audit', summary: 'The audit log, newest first (admins only)', adminOnly: true,
      query: z.object({ before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      handle: async ({ query }) => ({ data: await deps.audit.listAudit(query) }),
    }),
    ...goingLiveApiRoutes(deps),
    ...booksApiRoutes(deps.books),
    ...exportApiRoutes(deps.exports),
    ...campaignUpdateApiRoutes(deps.updates),
    ...earmarkUseApiRoutes(deps.earmarkUses),
    route({
      method: 'get', path: '/api/admin/stripe-events/attention', adminOnly: true,
      summary: 'Stripe events about Colecta payments that keep failing, with their last error (admins only)',
      response: z.object({ data: z.array(attentionEventSchema) }),
      handle: async () => ({ data: await deps.stripeEvents.listEventsNeedingAttention() }),
    }),
    route({
      method: 'get', path: '/api/admin/stripe-events/queue', adminOnly: true,
      summary: 'How many Stripe events were answered in a burst and wait to be processed, and since when (admins only)',
      response: eventQueueSchema,
      handle: () => deps.stripeEvents.eventQueueFigures(),
    }),
  ];
}
