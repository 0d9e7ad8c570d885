import express, { Router } from 'express';
import type { Container } from '../container';
import { adminPageErrors } from './admin-page-kit';
import { adminPages } from './admin-pages';
import { adminApiRoutes } from './admin-api';
import { mountRoutes, openApiDocument } from './api-route-table';
import { authRoutes } from './auth-routes';
import { setupPages } from '../setup/setup-pages';
import { requirePrincipal } from './principal';
import { sessionCookieResolver } from './session-resolver';
import { DEFAULT_SESSION_POLICY } from './session-service';
import type { StaffDeps } from './staff-context';

export function staffDepsOf(c: Container, overrides: Partial<StaffDeps> = {}): StaffDeps {
  return {
    ...c.staff, logger: c.logger, sessionSecret: c.sessionSecret, publicUrl: c.config.publicUrl,
    sessionPolicy: DEFAULT_SESSION_POLICY, sendPasswordReset: c.staff.auth.sendPasswordReset,
    books: c.books,
    signInLimits: c.rateLimits.signIn,
    ...overrides,
  };
}

/** The staff workspace: /admin pages (session cookie) and /api/admin (bearer token or session + CSRF header). */
export function staffRoutes(deps: StaffDeps): Router {
  const router = Router();
  const api = adminApiRoutes(deps);
  const document = openApiDocument(api, { title: 'Colecta staff API', version: '1', serverUrl: deps.publicUrl });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });

  router.use('/admin', express.urlencoded({ extended: false, limit: '32kb' }));
  router.use(authRoutes(deps));
  router.use(setupPages(deps));
  router.use(adminPages(deps));
  router.use('/admin', adminPageErrors);

  router.use('/api/admin', requirePrincipal([deps.auth.bearerToken, sessionCookieResolver(deps)]));
  const apiRouter = Router();
  mountRoutes(apiRouter, api);
  router.use(apiRouter);
  return router;
}
