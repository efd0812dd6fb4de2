/**
 * Starting the dashboard server: binds 127.0.0.1 by default and refuses any other address without an access
 * token (anyone who can reach the port could otherwise read prompts and change the policy).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Store } from '../store/store.js';
import { UserError } from '../cli/errors.js';
import { createApp, createContext, type ContextOptions } from './app.js';
import type { ServerContext } from './context.js';
import { isLoopbackHost } from './security.js';

export const MIN_TOKEN_CHARS = 16;

export interface ServeOptions {
  db: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string | null;
  policyFile?: string | null;
  webRoot?: string | null;
  log?: (s: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  ctx: ServerContext;
  close(): Promise<void>;
}

/** Checks the bind address and token before anything is opened; throws UserError. */
export function checkBind(host: string, token: string | null): void {
  if (token !== null && token.length < MIN_TOKEN_CHARS) throw new UserError(`the access token must have at least ${MIN_TOKEN_CHARS} characters`);
  if (!isLoopbackHost(host) && token === null) {
    throw new UserError(
      `refusing to listen on ${host} without an access token: anyone who can reach it could read prompts and change the policy. ` +
        `Give --token (or DISTILLGUARD_TOKEN), or listen on 127.0.0.1`,
    );
  }
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const token = o.token ?? null;
  checkBind(host, token);
  const store = await Store.open(o.db).catch((e: Error) => {
    throw new UserError(e.message);
  });
  let ctx: ServerContext;
  try {
    const opts: ContextOptions = { policyFile: o.policyFile ?? null, security: { token, loopbackHostsOnly: isLoopbackHost(host) }, log: o.log };
    if (o.webRoot !== undefined) opts.webRoot = o.webRoot;
    ctx = await createContext(store, opts).catch((e: Error) => {
      throw e instanceof UserError ? e : new UserError(e.message);
    });
  } catch (e) {
    store.close();
    throw e;
  }
  const { app } = createApp(ctx);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: o.port ?? 8787 }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => reject(new UserError(`cannot listen on ${host}:${o.port ?? 8787}: ${e.code ?? e.message}`)));
  }).catch((e) => {
    store.close();
    throw e;
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}/`,
    port: addr.port,
    host,
    ctx,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          // Queries in flight finish before the store closes.
          void ctx.db.exclusive(async () => undefined).then(() => {
            store.close();
            resolve();
          });
        });
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
