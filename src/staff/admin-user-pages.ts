import { Router } from 'express';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { errorList, formErrors } from './form-errors';
import type { StaffDeps } from './staff-context';
import { userIdParams, userInviteSchema, userPatchSchema } from './user-admin-schemas';

const LABELS: Record<string, string> = { email: 'Email', role: 'Role', organization: 'Organization' };
const FLASHES: Record<string, string> = {
  invited: 'The invitation is on its way.', saved: 'The user is saved.', reinvited: 'A new invitation is on its way; the old link no longer works.',
};

/** /admin/users: admins invite staff, change roles, disable and enable, resend invitations. */
export function adminUserPages(deps: StaffDeps): Router {
  const router = Router();

  const show = async (page: Parameters<Parameters<typeof staffPage>[1]>[2], extra: Record<string, unknown> = {}, status = 200) => {
    const organizations = await deps.organizations.activeChoices();
    page.render('users', 'Staff users', { users: await deps.users.listUsers(page.principal), organizations, me: page.principal.userId, ...extra }, status);
  };

  router.get('/admin/users', staffPage(deps, async (req, _res, page) => {
    if (page.principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may manage staff users');
    await show(page, { done: typeof req.query.done === 'string' ? FLASHES[req.query.done] ?? null : null, values: { role: 'staff' } });
  }));

  router.post('/admin/users', staffPage(deps, async (req, res, page) => {
    const form = req.body as Record<string, string>;
    const values = { email: form.email ?? '', role: form.role ?? '', organization: form.organization ?? '' };
    try {
      const input = parseOr422(userInviteSchema, {
        email: values.email, role: values.role, ...(values.role === 'staff' && values.organization ? { organization: values.organization } : {}),
      });
      await deps.users.inviteStaffUser(page.principal, deps.publicUrl, input);
      res.redirect(303, '/admin/users?done=invited');
    } catch (error) {
      const errors = formErrors(error, {});
      if (!errors) throw error;
      await show(page, { values, errors, errorList: errorList(errors, LABELS) }, (error as AppError).status);
    }
  }));

  router.post('/admin/users/:id', staffPage(deps, async (req, res, page) => {
    const { id } = parseOr422(userIdParams, req.params);
    const form = req.body as Record<string, string>;
    const patch = parseOr422(userPatchSchema, {
      ...(form.role ? { role: form.role } : {}),
      ...(form.role === 'staff' && form.organization ? { organization: form.organization } : {}),
      ...(form.action === 'disable' ? { disabled: true } : form.action === 'enable' ? { disabled: false } : {}),
      ...(form.action === 'resend' ? { resendInvitation: true } : {}),
    });
    await deps.users.updateStaffUser(page.principal, deps.publicUrl, id, patch);
    res.redirect(303, `/admin/users?done=${form.action === 'resend' ? 'reinvited' : 'saved'}`);
  }));
  return router;
}
