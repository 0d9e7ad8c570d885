/** Models shaped like src/email/message-builder.ts builds them, for rendering templates alone. */
const organization = {
  name: 'Red de Derechos <Demo>', sponsorLegalName: 'Demo Fiscal Sponsor, Inc.', sponsorEin: '00-0000000',
  sponsorAddress: '100 Main Street, Seattle, WA 98101',
  receiptText: 'No goods or services were provided in exchange for this contribution.',
};
const supporter = {
  firstName: 'Ana', name: 'Ana Pérez', email: 'ana@example.org', addressLines: ['12 Pine St', 'Seattle, WA 98101', 'US'],
};
const gift = {
  campaign: 'Organizer training 2027', earmark: 'Travel', currencyCode: 'USD', monthly: true, installments: 6,
  monthlyAmount: '$20.00', coverFees: true, anonymous: false, note: 'For the Seattle chapter',
};
const entry = {
  kind: 'payment', receiptNumber: '2026-000042', date: 'November 23, 2026', amount: '$20.91', installment: 2,
  cardLast4: '4242', paymentMethod: 'card', checkNumber: null, feesCovered: '$0.91',
};
const bar = (label: string, percent: number) => ({
  label, raised: '$1,234.00', goal: '$6,500.00', percent, width: Math.max(2, percent), rest: 100 - Math.max(2, percent),
  textBar: `[${'#'.repeat(Math.floor(percent / 5))}${'-'.repeat(20 - Math.floor(percent / 5))}]`,
});
const campaignPart = {
  campaign: { title: 'Organizer training 2027', url: 'http://localhost:3000/donate/organizer-training' },
  progress: { overall: bar('Organizer training 2027', 52), earmarks: [bar('Travel', 20), bar('Housing and meals', 100)], supporters: 57 },
  unsubscribeUrl: 'http://localhost:3000/unsubscribe/abc',
};
const base = { publicUrl: 'http://localhost:3000', manageUrl: 'http://localhost:3000/manage?lang=en', organization, supporter };

export const SAMPLE_MODELS: Record<string, Record<string, unknown>> = {
  receipt_once: { ...base, gift: { ...gift, monthly: false }, entry: { ...entry, installment: 1 }, original: null },
  receipt_monthly: { ...base, gift, entry, original: null },
  receipt_offline: { ...base, gift: { ...gift, monthly: false, coverFees: false },
    entry: { ...entry, cardLast4: null, feesCovered: null, checkNumber: '1042', paymentMethod: 'check' }, original: null },
  refund: { ...base, gift: { ...gift, monthly: false }, entry: { ...entry, kind: 'refund', receiptNumber: '2026-000050', amount: '$5.00' },
    original: { receiptNumber: '2026-000042', amount: '$20.91' } },
  monthly_started: { ...base, gift, started: 'November 23, 2026', paymentsMade: 1, totalGiven: '$20.00' },
  gift_changed: { ...base, gift, change: { amount: true, newAmount: '$35.00', earmark: false, pause: false, resume: false, cancel: false, newEarmark: 'Travel', months: 0, nextPayment: 'March 15, 2027', byStaff: true } },
  payment_failed: { ...base, gift, started: 'November 23, 2026', paymentsMade: 3, totalGiven: '$60.00' },
  monthly_completed: { ...base, gift, started: 'November 23, 2026', paymentsMade: 6, totalGiven: '$120.00' },
  campaign_update: { ...base, ...campaignPart, update: {
    title: 'We trained 28 organizers', body: 'Thanks to you.\n\nNext: Tacoma.', paragraphs: ['Thanks to you.', 'Next: Tacoma <and more>.'] } },
  milestone: { ...base, ...campaignPart, milestone: { step: 50, earmark: null, complete: false } },
  year_end: { ...base, year: 2026, lines: [
    { receiptNumber: '2026-000042', date: 'March 3, 2026', campaign: 'Organizer training 2027', earmark: 'Travel', amount: '$15.00', refunded: '$5.00' },
    { receiptNumber: '2026-000107', date: 'June 9, 2026', campaign: 'Organizer training 2027', earmark: 'Housing and meals', amount: '$50.00', refunded: null },
  ], totals: [{ currency: 'USD', amount: '$65.00' }] },
  manage_link: { ...base, organization: null, link: 'http://localhost:3000/manage/abcdefghijklmnopqrstuvwxyz', minutes: 60 },
  password_reset: { link: 'https://give.example/admin/reset?token=abc_DEF-123', minutes: 60 },
  staff_invitation: {
    link: 'https://give.example/admin/reset?token=abc_DEF-123', hours: 24, role: 'staff', organization: 'Red de Derechos <Demo>', invitedBy: 'admin@example.org',
  },
  staff_new_gift: { ...base, gift: { ...gift, anonymous: true }, entry, original: null },
  staff_digest: { ...base, day: 'November 22, 2026', count: 2, gifts: [
    { receiptNumber: '2026-000042', donor: 'Ana Pérez', campaign: 'Organizer training 2027', amount: '$20.91' },
    { receiptNumber: '2026-000043', donor: 'Anonymous', campaign: 'Organizer training 2027', amount: '$10.00' },
  ] },
};
