import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { queuedPasswordReset } from './password-reset-mail';
import { bearerTokenResolver } from './principal';
import { endSession, findSession, startSession } from './session-service';
import { checkPassword, findUserByEmail, resetPassword, resetTokenIsValid } from './user-service';

/** Who a staff request is: sessions, passwords and their reset, API tokens. */
export function createStaffAuthService(db: Knex) {
  return {
    ...bindDb(db, { findSession, startSession, endSession, checkPassword, findUserByEmail, resetTokenIsValid, resetPassword }),
    bearerToken: bearerTokenResolver(db),
    sendPasswordReset: queuedPasswordReset(db),
  };
}

export type StaffAuthService = ReturnType<typeof createStaffAuthService>;
