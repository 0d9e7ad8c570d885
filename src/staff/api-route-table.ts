import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseOr422 } from '../lib/validation';
import { principalOf, type Principal } from './principal';

type Schema = z.ZodType;

/** One JSON route: its schemas drive both the validation and the OpenAPI document. */
export interface ApiRoute<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema> {
  readonly method: 'get' | 'post' | 'patch' | 'delete';
  /** Express style, e.g. /api/admin/campaigns/:campaign */
  readonly path: string;
  readonly summary: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly status?: number;
  readonly response?: Schema;
  readonly adminOnly?: boolean;
  /**
   * A file instead of JSON: the handler answers `{ filename, body }`, or `{ filename, writeTo }`
   * for a file streamed as it is read, and it is sent as this type.
   */
  readonly produces?: 'text/csv' | 'application/pdf';
  handle(input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; principal: Principal; res: Response }): Promise<unknown>;
}

/** Keeps each route's schema types when the table is built. */
export const route = <P extends Schema, Q extends Schema, B extends Schema>(r: ApiRoute<P, Q, B>): ApiRoute => r as unknown as ApiRoute;

type FileAnswer =
  | { readonly filename: string; readonly body: string | Buffer }
  | { readonly filename: string; writeTo(res: Response): Promise<void> };

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

async function streamFile(req: Request, res: Response, writeTo: (res: Response) => Promise<void>): Promise<void> {
  try {
    await writeTo(res);
  } catch (error) {
    // Headers are gone: all that is left is to cut the response short so it cannot pass for whole.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (CLIENT_GONE.has(code)) req.log?.info({ code }, 'streamed export stopped: the client went away');
    else req.log?.error({ err: error }, 'streamed export failed');
    res.destroy();
  }
}

export function mountRoutes(router: Router, routes: readonly ApiRoute[]): void {
  for (const r of routes) {
    router[r.method](r.path, async (req, res) => {
      const principal = principalOf(res);
      if (r.adminOnly && principal.role !== 'admin') {
        res.status(403).json({ error: { code: 'forbidden', message: 'Only an admin may see this' } });
        return;
      }
      const params = r.params ? parseOr422(r.params, req.params) : {};
      const query = r.query ? parseOr422(r.query, req.query) : {};
      const body = r.body ? parseOr422(r.body, req.body ?? {}) : {};
      const result = await r.handle({ params, query, body, principal, res });
      res.set('Cache-Control', 'no-store');
      if (r.produces) {
        const file = result as FileAnswer;
        res.status(r.status ?? 200).set({
          'Content-Type': r.produces === 'text/csv' ? 'text/csv; charset=utf-8' : r.produces,
          'Content-Disposition': `attachment; filename="${file.filename}"`,
        });
        if ('writeTo' in file) await streamFile(req, res, file.writeTo);
        else res.send(file.body);
        return;
      }
      res.status(r.status ?? 200).json(result);
    });
  }
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(), message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

const jsonSchema = (schema: Schema, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' });

function parameters(schema: Schema | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s,
  }));
}

/** The OpenAPI 3 document for a route table, from the very schemas the routes parse with. */
export function openApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = (description: string) => ({ description, content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } } });
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const ok = r.produces
      ? { description: 'OK', content: { [r.produces]: { schema: { type: 'string', ...(r.produces === 'application/pdf' ? { format: 'binary' } : {}) } } } }
      : r.response
      ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } }
      : { description: 'OK' };
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method] = {
      summary: r.summary,
      security: [{ bearer: [] }, { session: [] }],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: ok,
        401: error('No token or session'),
        403: error(r.adminOnly ? 'Not an admin' : 'Another organization, or a role that may not do this'),
        404: error('Not found'),
        422: error('A field needs attention'),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token from /admin/tokens or `npm run cli -- tokens:create`' },
        session: { type: 'apiKey', in: 'cookie', name: 'colecta_session', description: 'The staff session; changes also need the X-CSRF-Token header' },
      },
    },
    paths,
  };
}
