import type { FeeRule } from '../lib/money';

export type Locale = 'en' | 'es';

export interface Earmark {
  readonly id: string;
  readonly code: string;
  readonly label: Readonly<Record<Locale, string>>;
  readonly goal: number | null;
}

export interface Campaign {
  readonly id: string;
  readonly organizationId: string;
  readonly slug: string;
  readonly title: Readonly<Record<Locale, string>>;
  readonly currency: string;
  readonly goal: number | null;
  readonly status: 'draft' | 'active' | 'closed';
  readonly startsAt: Date | null;
  readonly endsAt: Date | null;
  readonly presetAmounts: readonly number[];
  readonly monthlyEnabled: boolean;
  readonly minAmount: number;
  readonly maxAmount: number;
  readonly feeRule: FeeRule;
  readonly earmarks: readonly Earmark[];
}

/** Open for gifts: active, and inside its dates when it has them. */
export function isOpen(campaign: Campaign, now: Date): boolean {
  if (campaign.status !== 'active') return false;
  if (campaign.startsAt && now < campaign.startsAt) return false;
  if (campaign.endsAt && now >= campaign.endsAt) return false;
  return true;
}
