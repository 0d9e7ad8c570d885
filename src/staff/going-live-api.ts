import { z } from 'zod';
import { organizationCreateSchema, organizationViewSchema } from '../organizations/organization-schemas';
import { sponsorPatchSchema, sponsorSchema } from '../sponsor/sponsor-schemas';
import { route, type ApiRoute } from './api-route-table';
import type { StaffDeps } from './staff-context';
import { userIdParams, userInviteSchema, userPatchSchema, userViewSchema } from './user-admin-schemas';

/** The sponsor, the organizations list and creation, and staff users: what going live needs. */
export function goingLiveApiRoutes(deps: Pick<StaffDeps, 'sponsor' | 'organizations' | 'users' | 'publicUrl'>): ApiRoute[] {
  const { sponsor, organizations, users } = deps;
  return [
    route({
      method: 'get', path: '/api/admin/sponsor', summary: 'The fiscal sponsor printed on every receipt, form and export',
      response: sponsorSchema, handle: () => sponsor.readSponsor(),
    }),
    route({
      method: 'patch', path: '/api/admin/sponsor', summary: 'Change the sponsor\'s legal name, EIN, address, contact or receipt statement (admin; audited)',
      adminOnly: true, body: sponsorPatchSchema, response: sponsorSchema,
      handle: ({ principal, body }) => sponsor.updateSponsor(principal, body),
    }),
    route({
      method: 'get', path: '/api/admin/organizations', summary: 'Organizations the caller may read, with their time zone, fees and settings',
      response: z.object({ data: z.array(organizationViewSchema) }),
      handle: async ({ principal }) => ({ data: await organizations.listOrganizations(principal) }),
    }),
    route({
      method: 'post', path: '/api/admin/organizations', summary: 'Create an organization (admin; a slug clash is a 409)', status: 201,
      adminOnly: true, body: organizationCreateSchema, response: organizationViewSchema,
      handle: ({ principal, body }) => organizations.createOrganization(principal, body),
    }),
    route({
      method: 'get', path: '/api/admin/users', summary: 'Staff users, their roles and whether they are invited, active or disabled (admin)',
      adminOnly: true, response: z.object({ data: z.array(userViewSchema) }),
      handle: async ({ principal }) => ({ data: await users.listUsers(principal) }),
    }),
    route({
      method: 'post', path: '/api/admin/users', summary: 'Invite a staff user: mails a single-use link that sets the password (admin)', status: 201,
      adminOnly: true, body: userInviteSchema, response: userViewSchema,
      handle: ({ principal, body }) => users.inviteStaffUser(principal, deps.publicUrl, body),
    }),
    route({
      method: 'patch', path: '/api/admin/users/:id',
      summary: 'Change a user\'s role or organization, disable or enable them, or resend their invitation (admin; the last admin stays)',
      adminOnly: true, params: userIdParams, body: userPatchSchema, response: userViewSchema,
      handle: ({ principal, params, body }) => users.updateStaffUser(principal, deps.publicUrl, params.id, body),
    }),
  ];
}
