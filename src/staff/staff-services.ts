import type { Knex } from 'knex';
import { createCampaignAdminService, type CampaignAdminService } from '../campaigns/campaign-admin-service';
import { createCampaignUpdateService, type CampaignUpdateService } from '../campaigns/campaign-update-service';
import { createEarmarkUseService, type EarmarkUseService } from '../earmarks/earmark-use-service';
import { createExportsService, type ExportsService } from '../exports/exports-service';
import { createGiftPlanService, type GiftPlanService } from '../gifts/gift-plan-service';
import { createStaffLedgerService, type StaffLedgerService } from '../ledger/staff-ledger-service';
import type { Logger } from '../lib/logger';
import { createOrganizationAdminService, type OrganizationAdminService } from '../organizations/organization-admin-service';
import { createSetupService, type SetupService } from '../setup/setup-service';
import { createSponsorService, type SponsorService } from '../sponsor/sponsor-service';
import { createEventAttentionService, type EventAttentionService } from '../stripe/event-attention';
import type { PaymentGateway } from '../stripe/payment-types';
import { createSupporterErasureService, type SupporterErasureService } from '../supporters/supporter-erasure-service';
import { createAuditService, type AuditService } from './audit-log';
import { createStaffAuthService, type StaffAuthService } from './staff-auth-service';
import { createTokenAdminService, type TokenAdminService } from './token-admin-service';
import { createUserAdminService, type UserAdminService } from './user-admin-service';

/** The services behind the /admin pages and /api/admin, one per feature (the books are the container's own). */
export interface StaffServices {
  readonly auth: StaffAuthService;
  readonly setup: SetupService;
  readonly campaigns: CampaignAdminService;
  readonly updates: CampaignUpdateService;
  readonly earmarkUses: EarmarkUseService;
  readonly ledger: StaffLedgerService;
  readonly giftPlans: GiftPlanService;
  readonly erasure: SupporterErasureService;
  readonly organizations: OrganizationAdminService;
  readonly sponsor: SponsorService;
  readonly users: UserAdminService;
  readonly tokens: TokenAdminService;
  readonly audit: AuditService;
  readonly stripeEvents: EventAttentionService;
  readonly exports: ExportsService;
}

export function createStaffServices(deps: { readonly db: Knex; readonly gateway: PaymentGateway; readonly logger: Logger }): StaffServices {
  const { db } = deps;
  return {
    auth: createStaffAuthService(db),
    setup: createSetupService(db),
    campaigns: createCampaignAdminService(db),
    updates: createCampaignUpdateService(db),
    earmarkUses: createEarmarkUseService(db),
    ledger: createStaffLedgerService(deps),
    giftPlans: createGiftPlanService(deps),
    erasure: createSupporterErasureService(db),
    organizations: createOrganizationAdminService(db),
    sponsor: createSponsorService(db),
    users: createUserAdminService(db),
    tokens: createTokenAdminService(db),
    audit: createAuditService(db),
    stripeEvents: createEventAttentionService(db),
    exports: createExportsService(db),
  };
}
