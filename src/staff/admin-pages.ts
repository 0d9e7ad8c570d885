import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { adminCampaignPages } from './admin-campaign-pages';
import { adminExportPages } from './admin-export-pages';
import { adminBooksPages } from './admin-books-pages';
import { adminOrganizationPages } from './admin-organization-pages';
import { organizationPages } from '../organizations/organization-pages';
import { adminUpdatePages } from './admin-update-pages';
import { adminErasurePages } from './admin-erasure-pages';
import { adminGiftPages } from './admin-gift-pages';
import { adminSponsorPages } from './admin-sponsor-pages';
import { adminUserPages } from './admin-user-pages';
import { adminGiftPlanPages } from './admin-gift-plan-pages';
import { ATTENTION_AFTER_ATTEMPTS } from '../stripe/event-attention';
import type { StaffDeps } from './staff-context';
import { tokenCreateSchema } from './token-admin-service';

/** The signed-in /admin pages. */
export function adminPages(deps: StaffDeps): Router {
  const router = Router();
  router.use(adminCampaignPages(deps));
  router.use(adminGiftPages(deps));
  router.use(adminGiftPlanPages(deps));
  router.use(adminExportPages(deps));
  router.use(adminBooksPages(deps));
  router.use(adminOrganizationPages(deps));
  router.use(organizationPages(deps));
  router.use(adminUpdatePages(deps));
  router.use(adminErasurePages(deps));
  router.use(adminSponsorPages(deps));
  router.use(adminUserPages(deps));

  router.get('/admin/tokens', staffPage(deps, async (_req, _res, page) => {
    const organizations = page.principal.role === 'admin' ? await deps.organizations.choices() : [];
    page.render('tokens', 'API tokens', {
      tokens: await deps.tokens.listTokens(page.principal), organizations,
      isAdmin: page.principal.role === 'admin', canWrite: page.principal.role !== 'sponsor',
    });
  }));

  router.post('/admin/tokens', staffPage(deps, async (req, _res, page) => {
    const form = req.body as Record<string, string>;
    const input = parseOr422(tokenCreateSchema, {
      role: form.role, label: form.label ?? '', ...(form.role === 'staff' && form.organization ? { organization: form.organization } : {}),
    });
    const created = await deps.tokens.createTokenAs(page.principal, input);
    page.render('token-created', 'Your new token', { token: created.token }, 201);
  }));

  router.post('/admin/tokens/:id/revoke', staffPage(deps, async (req, res, page) => {
    const { id } = parseOr422(z.object({ id: z.uuid() }), req.params);
    await deps.tokens.revokeToken(page.principal, id);
    res.redirect(303, '/admin/tokens?done=token-revoked');
  }));

  router.get('/admin/audit', staffPage(deps, async (req, _res, page) => {
    if (page.principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may see the audit log');
    const { before } = parseOr422(z.object({ before: z.coerce.number().int().positive().optional() }), req.query);
    const entries = await deps.audit.listAudit({ before, limit: 100 });
    const last = entries.at(-1);
    page.render('audit', 'Audit log', { entries, next: entries.length === 100 && last ? `/admin/audit?before=${last.id}` : null });
  }));

  router.get('/admin/events', staffPage(deps, async (_req, _res, page) => {
    if (page.principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may see the Stripe events');
    page.render('events', 'Stripe events needing attention', {
      events: await deps.stripeEvents.listEventsNeedingAttention(), minAttempts: ATTENTION_AFTER_ATTEMPTS,
      queue: await deps.stripeEvents.eventQueueFigures(),
    });
  }));

  return router;
}
