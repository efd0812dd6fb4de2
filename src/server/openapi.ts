/** The OpenAPI 3.1 document of the dashboard API, generated from the routes' zod schemas with `z.toJSONSchema`. */
import { z } from 'zod';
import type { RouteSpec } from './route.js';
import { ErrorSchema } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  delete j.$schema;
  return j;
}

/** Path and query parameters from an object schema. */
function parameters(s: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!s) return [];
  const j = schemaOf(s, 'input');
  const props = (j.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((j.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: schemaOf(ErrorSchema, 'output') } } });

export function openApiDocument(routes: readonly RouteSpec[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
    const mutation = r.method !== 'get';
    const responses: Record<string, unknown> = {
      200: { description: 'OK', content: { [r.mediaType ?? 'application/json']: { schema: schemaOf(r.response, 'output') } } },
      401: errorResponse('an access token is required (Authorization: Bearer, or the session cookie from /login)'),
    };
    if (r.params || r.query || r.body) responses[400] = errorResponse('invalid request: `issues` lists each problem with its JSON path');
    if (r.params) responses[404] = errorResponse('not found');
    if (mutation) responses[403] = errorResponse('cross-site request refused (missing or wrong X-Distillguard-CSRF header, foreign Origin)');
    if (r.path.startsWith('/api/policy') && mutation) responses[422] = errorResponse('invalid policy: `issues` lists each problem with its JSON path');
    (paths[path] ??= {})[r.method] = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
      responses,
      ...(mutation ? { security: [{ bearer: [] }, { session: [], csrf: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'distillguard dashboard API',
      version: info.version,
      description:
        'JSON API over the store and the latest analysis. Reads need the access token when the server has one; ' +
        'mutations also need the X-Distillguard-CSRF header (from GET /api/session) unless authenticated with a bearer token. See docs/dashboard.md.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'the --token / DISTILLGUARD_TOKEN access token' },
        session: { type: 'apiKey', in: 'cookie', name: 'dg_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-Distillguard-CSRF' },
      },
    },
    security: [{ bearer: [] }, { session: [] }, {}],
    paths,
  };
}
