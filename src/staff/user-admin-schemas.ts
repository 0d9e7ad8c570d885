import { z } from 'zod';
import { roleSchema } from './api-token-service';

const role = z.enum(['admin', 'staff', 'sponsor'], 'must be admin, staff or sponsor');
const organization = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an organization slug');

export const userInviteSchema = z.object({
  email: z.email('must be an email address').trim().toLowerCase().max(320, 'at most 320 characters'),
  role,
  organization: organization.optional().describe('required for a staff user, refused for the others'),
}).strict();
export type UserInvite = z.infer<typeof userInviteSchema>;

export const userPatchSchema = z.object({
  role: role.optional(),
  organization: organization.nullable().optional().describe('the organization of a staff user'),
  disabled: z.boolean().optional().describe('a disabled user\'s sessions and API tokens are refused at once'),
  resendInvitation: z.literal(true).optional().describe('mail a new single-use link that sets the password (the old one stops working)'),
}).strict();
export type UserPatch = z.infer<typeof userPatchSchema>;

export const userIdParams = z.object({ id: z.uuid('must be a user id') });

export const userViewSchema = z.object({
  id: z.uuid(), email: z.string(), role: roleSchema, organization: z.string().nullable(),
  status: z.enum(['invited', 'active', 'disabled']).describe('invited: no password set yet'),
  createdAt: z.string(), lastSignInAt: z.string().nullable(),
});
export type UserView = z.infer<typeof userViewSchema>;
