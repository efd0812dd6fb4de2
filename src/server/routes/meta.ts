/** Session (CSRF token), signal metadata and the OpenAPI document. */
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { openApiDocument } from '../openapi.js';
import type { Api } from '../route.js';
import { SessionSchema, SignalsSchema } from '../schemas.js';
import { allSignals } from '../signals.js';

export function metaRoutes(api: Api, ctx: ServerContext): void {
  api.add(
    { method: 'get', path: '/api/session', tag: 'meta', summary: 'This browser session: its CSRF token for mutations, and how it is authenticated', response: SessionSchema },
    async ({ c }) => ({
      csrf: c.get('session')?.csrf ?? '',
      auth: c.get('auth'),
      token_required: ctx.security.token !== null,
      version: ctx.version,
      store: ctx.storeName,
      analysed: ctx.shape.results,
    }),
  );
  api.add({ method: 'get', path: '/api/signals', tag: 'meta', summary: 'Every signal with its rationale and known false positives', response: SignalsSchema }, async () => ({
    signals: allSignals(),
  }));
  api.add({ method: 'get', path: '/api/openapi.json', tag: 'meta', summary: 'This document', response: z.record(z.string(), z.unknown()) }, async () =>
    openApiDocument(api.routes, { version: ctx.version }),
  );
}
