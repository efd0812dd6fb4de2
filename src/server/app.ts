/** The dashboard's hono app: security middleware, the JSON API (routes/*), the login page and the web app. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Store } from '../store/store.js';
import { repoRoot } from '../util/paths.js';
import type { ServerContext } from './context.js';
import { Db } from './db.js';
import { prepareDerived, storeShape } from './derived.js';
import { PolicyState } from './policy-state.js';
import { WindowAccounts } from './policy-sim.js';
import { migrateReview } from './review.js';
import { Api, HttpError } from './route.js';
import { guard, headers, hostCheck, loginHandler, Sessions, type AppEnv, type SecurityOptions } from './security.js';
import { loginRoutes, staticRoutes } from './static.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { campaignRoutes } from './routes/campaigns.js';
import { exportRoutes } from './routes/exports.js';
import { listRoutes } from './routes/lists.js';
import { metaRoutes } from './routes/meta.js';
import { overviewRoutes } from './routes/overview.js';
import { policyRoutes } from './routes/policy.js';
import { reviewRoutes } from './routes/review.js';

export const VERSION = '0.1.0';

export interface ContextOptions {
  /** Policy file to show and edit (default: the store's saved policy, else the built-in default). */
  policyFile?: string | null;
  security?: Partial<SecurityOptions>;
  /** The built web app; default web/dist of the repository when it exists. */
  webRoot?: string | null;
  log?: (s: string) => void;
}

/** Prepares the store for the dashboard (review tables, precomputed tables, policy) and the shared state. */
export async function createContext(store: Store, opts: ContextOptions = {}): Promise<ServerContext> {
  const db = new Db(store);
  const shape = await storeShape(db);
  await migrateReview(db);
  await prepareDerived(db, shape, opts.log);
  const policy = await PolicyState.open(db, opts.policyFile ?? null);
  const web = opts.webRoot === undefined ? join(repoRoot(), 'web', 'dist') : opts.webRoot;
  return {
    db,
    shape,
    policy,
    window: new WindowAccounts(db, shape.results),
    security: { token: opts.security?.token ?? null, loopbackHostsOnly: opts.security?.loopbackHostsOnly ?? true },
    sessions: new Sessions(),
    storeName: basename(store.path),
    version: VERSION,
    webRoot: web !== null && existsSync(web) ? web : null,
  };
}

export function createApp(ctx: ServerContext): { app: Hono<AppEnv>; api: Api } {
  const app = new Hono<AppEnv>();
  app.use('*', headers());
  app.use('*', hostCheck(ctx.security));
  loginRoutes(app);
  app.post('/login', loginHandler(ctx.security, ctx.sessions));
  app.use('*', guard(ctx.security, ctx.sessions));
  app.use('/api/*', bodyLimit({ maxSize: 1 << 20, onError: (c) => c.json({ error: 'request body over 1 MB' }, 413) }));
  const api = new Api(app);
  metaRoutes(api, ctx);
  overviewRoutes(api, ctx);
  campaignRoutes(api, ctx);
  exportRoutes(api, ctx);
  accountRoutes(api, ctx);
  reviewRoutes(api, ctx);
  auditRoutes(api, ctx);
  listRoutes(api, ctx);
  policyRoutes(api, ctx);
  staticRoutes(app, ctx.webRoot);
  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json({ error: err.message, ...(err.issues ? { issues: err.issues } : {}) }, err.status);
    process.stderr.write(`distillguard serve: ${c.req.method} ${c.req.path}: ${(err as Error).stack ?? String(err)}\n`);
    return c.json({ error: 'internal error (see the server log)' }, 500);
  });
  return { app, api };
}
