/**
 * The dashboard's security model (docs/dashboard.md):
 *  - an optional access token (`--token` / DISTILLGUARD_TOKEN), required on every request when set, given as
 *    `Authorization: Bearer <token>` or through a session cookie obtained from the login page (or `?token=` once);
 *  - sessions: a random id in an HttpOnly, SameSite=Strict cookie, kept in memory, each with its own CSRF token;
 *  - mutations (any method but GET/HEAD) need the header X-Distillguard-CSRF equal to the session's token, and are
 *    refused when Origin names another origin or Sec-Fetch-Site says cross-site; a request that authenticates with
 *    a bearer token carries no ambient credential and needs no CSRF token;
 *  - when bound to a loopback address, the Host header must name a loopback host (a DNS-rebinding page cannot
 *    reach the API through a name of its own);
 *  - every response carries a content-security-policy without inline scripts, and no-sniff / no-frame headers.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'dg_session';
export const CSRF_HEADER = 'X-Distillguard-CSRF';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export interface Session {
  id: string;
  csrf: string;
  /** Logged in with the access token (always false when the server has none). */
  authed: boolean;
  created: number;
}

export type AuthVia = 'bearer' | 'session' | 'open';

export interface AppEnv {
  Variables: { session: Session | null; auth: AuthVia };
}

/** In-memory sessions, oldest dropped beyond `max`. A restart logs everyone out. */
export class Sessions {
  private readonly map = new Map<string, Session>();
  constructor(private readonly max = 10_000) {}

  create(authed: boolean): Session {
    const s: Session = { id: randomBytes(24).toString('base64url'), csrf: randomBytes(24).toString('base64url'), authed, created: Date.now() };
    this.map.set(s.id, s);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return s;
  }

  get(id: string | undefined): Session | null {
    return id ? (this.map.get(id) ?? null) : null;
  }
}

/** Constant-time comparison of two secrets (compares digests, so lengths may differ). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The hostname of a Host header (`[::1]:8080` -> `::1`, `localhost:80` -> `localhost`). */
export function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (m) return m[1]!;
  return hostHeader.replace(/:\d+$/, '');
}

export interface SecurityOptions {
  /** The access token, or null for none (only allowed on a loopback address). */
  token: string | null;
  /** Enforce loopback Host headers (DNS-rebinding defence): on when bound to a loopback address. */
  loopbackHostsOnly: boolean;
}

function setSessionCookie(c: Context, s: Session): void {
  setCookie(c, SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'Strict', path: '/' });
}

const isApi = (path: string) => path.startsWith('/api/');
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function headers(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    // A route may set a stricter policy of its own (the sandboxed report).
    if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', CSP);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (isApi(c.req.path) && !h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
  };
}

export function hostCheck(opts: SecurityOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (opts.loopbackHostsOnly) {
      const host = c.req.header('host') ?? new URL(c.req.url).host;
      if (!isLoopbackHost(hostnameOf(host))) return c.json({ error: `Host ${host} is not a loopback name; this server answers only to localhost, 127.0.0.1 and [::1]` }, 403);
    }
    await next();
  };
}

/** Origin and Sec-Fetch-Site checks of a state-changing request: null when acceptable, else the reason. */
export function crossSiteReason(c: Context): string | null {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site is ${site}`;
  const origin = c.req.header('origin');
  if (origin !== undefined) {
    const url = new URL(c.req.url);
    const host = c.req.header('host') ?? url.host;
    if (origin !== `${url.protocol}//${host}`) return `Origin ${origin} is not this server`;
  }
  return null;
}

/** Session lookup, authentication and CSRF protection. */
export function guard(opts: SecurityOptions, sessions: Sessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const path = c.req.path;
    let session = sessions.get(getCookie(c, SESSION_COOKIE));
    let auth: AuthVia;

    if (opts.token === null) {
      auth = 'open';
    } else {
      const h = c.req.header('authorization');
      const bearer = h && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, '').trim() : null;
      if (bearer !== null) {
        if (!sameSecret(bearer, opts.token)) return c.json({ error: 'wrong access token' }, 401);
        auth = 'bearer';
      } else if (session?.authed) {
        auth = 'session';
      } else {
        const q = c.req.query('token');
        if (q !== undefined && c.req.method === 'GET' && !isApi(path)) {
          if (!sameSecret(q, opts.token)) return c.redirect('/login?failed=1', 303);
          // A token in the address logs the browser in once, then is dropped from the address.
          session = sessions.create(true);
          setSessionCookie(c, session);
          const url = new URL(c.req.url);
          url.searchParams.delete('token');
          return c.redirect(url.pathname + url.search, 303);
        }
        if (isApi(path)) return c.json({ error: 'an access token is required: Authorization: Bearer <token>, or log in at /login' }, 401);
        return c.redirect(`/login?next=${encodeURIComponent(path)}`, 303);
      }
    }

    if (!SAFE.has(c.req.method) && auth !== 'bearer') {
      const reason = crossSiteReason(c);
      if (reason) return c.json({ error: `cross-site request refused: ${reason}` }, 403);
      const sent = c.req.header(CSRF_HEADER);
      if (!session) return c.json({ error: `no session: GET /api/session first, then send its csrf token in ${CSRF_HEADER}` }, 403);
      if (!sent || !sameSecret(sent, session.csrf)) return c.json({ error: `missing or wrong ${CSRF_HEADER} header` }, 403);
    }

    // Browsers without a session get one (open server) when they load a page (not its assets) or ask for one.
    if (!session && opts.token === null && c.req.method === 'GET' && (path === '/api/session' || (!isApi(path) && !/\.\w+$/.test(path)))) {
      session = sessions.create(false);
      setSessionCookie(c, session);
    }
    c.set('session', session);
    c.set('auth', auth);
    await next();
  };
}

/** POST /login: a form with the token; sets the session cookie. */
export function loginHandler(opts: SecurityOptions, sessions: Sessions): (c: Context<AppEnv>) => Promise<Response> {
  return async (c) => {
    if (opts.token === null) return c.redirect('/', 303);
    const reason = crossSiteReason(c);
    if (reason) return c.json({ error: `cross-site request refused: ${reason}` }, 403);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    const next = typeof form.next === 'string' && /^\/(?!\/)[\w\-./%?=&]*$/.test(form.next) ? form.next : '/';
    if (!sameSecret(token, opts.token)) return c.redirect(`/login?failed=1&next=${encodeURIComponent(next)}`, 303);
    setSessionCookie(c, sessions.create(true));
    return c.redirect(next, 303);
  };
}
