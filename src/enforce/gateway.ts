/**
 * The enforcement gateway: a reverse proxy on node:http in front of an LLM API.
 *
 * Model calls (POST /v1/chat/completions, /v1/responses, /v1/messages) are identified, decided by the policy,
 * enforced (block, challenge, throttle, degrade) and forwarded over a keep-alive agent; the response is relayed
 * as it arrives (SSE bytes written through unbuffered), while a copy feeds the stream accumulators for usage and
 * the log. Every model call ends in exactly one record (call.ts). Any other path is proxied untouched.
 */
import http from 'node:http';
import https from 'node:https';
import type { BudgetStore } from './budget.js';
import { MemoryBudget } from './budget.js';
import { handleModelCall } from './call.js';
import type { RouteApi } from './degrade.js';
import type { IdentityOptions } from './identity.js';
import type { LineSink } from './log.js';
import type { CompiledPolicy, Policy } from './policy.js';
import { DEFAULT_POLICY, compilePolicy } from './policy.js';
import { sendError } from './provider-errors.js';
import { Sealer } from './seal.js';
import type { VerdictSource } from './verdicts.js';
import { StaticVerdicts } from './verdicts.js';
import { DEFAULT_NORMALIZE, type NormalizeOptions } from '../ingest/normalize.js';

/** Paths whose calls are decided, enforced and logged. */
export const ROUTES: ReadonlyMap<string, RouteApi> = new Map([
  ['/v1/chat/completions', 'openai.chat'],
  ['/v1/responses', 'openai.responses'],
  ['/v1/messages', 'anthropic.messages'],
]);

export interface GatewayOptions {
  /** Base URL of the real API (http or https), e.g. https://api.anthropic.com. */
  upstream: string;
  policy?: Policy;
  verdicts?: VerdictSource;
  /** Key table (identity.ts loadKeys); null accepts any key as its own account. */
  keys?: IdentityOptions['keys'];
  /** Header (any case) naming the account, set by a trusted auth layer in front. */
  identityHeader?: string | null;
  /** Take the client IP from X-Forwarded-For (only behind a trusted proxy). */
  trustForwarded?: boolean;
  budget?: BudgetStore;
  /** Interaction log (JSONL). */
  log?: LineSink | null;
  /** Decisions log: one line whenever an account's action changes (model/results.ts DecisionSchema). */
  decisions?: LineSink | null;
  /** Largest request body accepted, bytes (default 32 MiB, as the Messages API). */
  maxBodyBytes?: number;
  /** Upstream inactivity limit in ms: no byte for this long ends the call with 504 (default 600 000). */
  upstreamTimeoutMs?: number;
  sealer?: Sealer;
  normalize?: NormalizeOptions;
  /** Told about operational events (Redis down/up, log failures). */
  onEvent?: (msg: string) => void;
}

/** Hop-by-hop headers: never forwarded in either direction. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

export class Gateway {
  readonly server: http.Server;
  readonly upstream: URL;
  readonly agent: http.Agent;
  readonly lib: typeof http | typeof https;
  /** Path prefix of the upstream URL ('' or '/api'). */
  readonly basePath: string;
  compiled: CompiledPolicy;
  readonly verdicts: VerdictSource;
  readonly identity: IdentityOptions;
  readonly budget: BudgetStore;
  readonly log: LineSink | null;
  readonly decisions: LineSink | null;
  readonly maxBodyBytes: number;
  readonly upstreamTimeoutMs: number;
  readonly sealer: Sealer;
  readonly normalizeOptions: NormalizeOptions;
  readonly onEvent: (msg: string) => void;
  /** Last action per account, for the decisions log. */
  readonly lastAction = new Map<string, string>();
  /** Model calls in progress. */
  inflight = 0;
  /** Calls that threw inside the gateway (a bug): answered 500, counted here, never a crash. */
  internalErrors = 0;
  private closing: Promise<void> | null = null;

  constructor(opts: GatewayOptions) {
    this.upstream = new URL(opts.upstream);
    if (this.upstream.protocol !== 'http:' && this.upstream.protocol !== 'https:') throw new Error(`upstream must be an http(s) URL: ${opts.upstream}`);
    this.lib = this.upstream.protocol === 'https:' ? https : http;
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, scheduling: 'lifo' });
    this.basePath = this.upstream.pathname.replace(/\/+$/, '');
    this.compiled = compilePolicy(opts.policy ?? DEFAULT_POLICY);
    this.verdicts = opts.verdicts ?? new StaticVerdicts();
    this.identity = { keys: opts.keys ?? null, identityHeader: opts.identityHeader ? opts.identityHeader.toLowerCase() : null, trustForwarded: opts.trustForwarded ?? false };
    this.budget = opts.budget ?? new MemoryBudget();
    this.log = opts.log ?? null;
    this.decisions = opts.decisions ?? null;
    this.maxBodyBytes = opts.maxBodyBytes ?? 32 * 1024 * 1024;
    this.upstreamTimeoutMs = opts.upstreamTimeoutMs ?? 600_000;
    this.sealer = opts.sealer ?? new Sealer();
    this.normalizeOptions = opts.normalize ?? DEFAULT_NORMALIZE;
    this.onEvent = opts.onEvent ?? (() => {});
    this.server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => this.handle(req, res));
  }

  /** Swaps the policy (e.g. on SIGHUP); calls in flight keep the decision they had. */
  setPolicy(p: Policy): void {
    this.compiled = compilePolicy(p);
  }

  get mode(): 'shadow' | 'enforce' {
    return this.compiled.policy.mode;
  }

  /** Starts listening; resolves with the port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const api = req.method === 'POST' ? ROUTES.get(q < 0 ? url : url.slice(0, q)) : undefined;
    try {
      if (api !== undefined) handleModelCall(this, req, res, api);
      else this.passThrough(req, res);
    } catch (err) {
      this.internalErrors++;
      this.onEvent(`internal error: ${(err as Error).message}`);
      sendError(res, api === 'anthropic.messages' ? 'anthropic' : 'openai', 'upstream_error', 'internal gateway error');
    }
  }

  /** Headers for the upstream request: the client's, without hop-by-hop ones. */
  forwardHeaders(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
    const out: http.OutgoingHttpHeaders = {};
    for (const k in h) if (!HOP_BY_HOP.has(k)) out[k] = h[k];
    out.host = this.upstream.host;
    return out;
  }

  /** Any other path: proxied as bytes both ways, no checks, no log. */
  private passThrough(req: http.IncomingMessage, res: http.ServerResponse): void {
    const up = this.lib.request(
      {
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: this.basePath + (req.url ?? '/'),
        headers: this.forwardHeaders(req.headers),
        agent: this.agent,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, filterResponseHeaders(upRes.headers));
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    up.setTimeout(this.upstreamTimeoutMs, () => up.destroy(new Error('upstream timeout')));
    up.on('error', (err) => {
      if (!res.headersSent) sendError(res, 'openai', /timeout/.test(err.message) ? 'upstream_timeout' : 'upstream_unreachable', `upstream error: ${err.message}`);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  }

  /**
   * Stops accepting connections, waits up to `graceMs` for calls in flight, then flushes and closes the logs
   * and the budget store. Safe to call more than once.
   */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((r) => this.server.close(() => r()));
      this.server.closeIdleConnections();
      const t0 = Date.now();
      while (this.inflight > 0 && Date.now() - t0 < graceMs) await new Promise((r) => setTimeout(r, 10));
      this.server.closeAllConnections();
      await closed;
      this.log?.close();
      this.decisions?.close();
      await this.verdicts.close?.();
      await this.budget.close();
      this.agent.destroy();
    })();
    return this.closing;
  }
}

/** Response headers for the client: upstream's, without hop-by-hop ones. */
export function filterResponseHeaders(h: http.IncomingHttpHeaders, dropLength = false): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const k in h) if (!HOP_BY_HOP.has(k) && !(dropLength && k === 'content-length')) out[k] = h[k];
  return out;
}
