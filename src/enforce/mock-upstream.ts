/**
 * A mock LLM API speaking Chat Completions, Responses and Anthropic Messages, streamed or not, faithfully enough
 * for the official SDKs (and for benchmarks). Answers are deterministic (mock-plan.ts): thinking when requested,
 * a tool call when tools are given, a follow-up answer when tool results come back.
 *
 * Faults, per request by header (they pass through the gateway) or for all requests by option:
 *   x-mock-status: <code>   answer with that status and a provider-shaped error
 *   x-mock-hang: 1          never answer (for timeouts)
 *   x-mock-cut: <n>         send n stream events, then cut the connection
 *   x-mock-delay: <ms>      wait before answering
 * Other paths: GET /v1/models answers a model list; anything else 404.
 */
import type http from 'node:http';
import { LoopbackServer } from './loopback-server.js';
import type { RouteApi } from './degrade.js';
import { checkAnthropicThinking, plan } from './mock-plan.js';
import { render, type MockEvent } from './mock-render.js';
import { errorBody } from './provider-errors.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ROUTES: Record<string, RouteApi> = { '/v1/chat/completions': 'openai.chat', '/v1/responses': 'openai.responses', '/v1/messages': 'anthropic.messages' };

export interface MockOptions {
  /** Delay before every answer, ms. */
  latencyMs?: number;
  /** Delay between stream events, ms. */
  chunkDelayMs?: number;
  /** Keep the last requests received (tests inspect what the gateway forwarded). */
  record?: boolean;
}

export interface MockRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Obj | null;
}

export class MockUpstream extends LoopbackServer {
  readonly requests: MockRequest[] = [];
  /** Count of model calls answered (any status). */
  calls = 0;
  private readonly hung = new Set<http.ServerResponse>();

  constructor(readonly opts: MockOptions = {}) {
    super();
  }

  override close(): Promise<void> {
    for (const r of this.hung) r.destroy();
    this.hung.clear();
    return super.close();
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const api = req.method === 'POST' ? ROUTES[path] : undefined;
    if (api === undefined) {
      if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'mock-model', object: 'model', created: 0, owned_by: 'mock' }] });
      req.resume();
      return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: 'not_found' } });
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: Obj | null = null;
      try {
        const v: unknown = JSON.parse(raw.toString('utf8'));
        if (isObj(v)) body = v;
      } catch {
        // answered below
      }
      if (this.opts.record) {
        this.requests.push({ path, headers: req.headers, body });
        if (this.requests.length > 1000) this.requests.shift();
      }
      const delay = Number(req.headers['x-mock-delay'] ?? 0) + (this.opts.latencyMs ?? 0);
      if (delay > 0) setTimeout(() => this.answer(req, res, api, body, raw.length), delay);
      else this.answer(req, res, api, body, raw.length);
    });
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, api: RouteApi, body: Obj | null, bytes: number): void {
    this.calls++;
    const provider = api === 'anthropic.messages' ? 'anthropic' : 'openai';
    if (req.headers['x-mock-hang'] !== undefined) {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    const status = Number(req.headers['x-mock-status'] ?? 200);
    if (status !== 200) {
      const e = errorBody(provider, status === 429 ? 'throttled' : status >= 500 ? 'upstream_error' : 'bad_request', `mock error ${status}`);
      return json(res, status, e.body);
    }
    if (body === null) return json(res, 400, errorBody(provider, 'bad_request', 'body is not a JSON object').body);
    if (api === 'anthropic.messages') {
      const problem = checkAnthropicThinking(body);
      if (problem !== null) return json(res, 400, errorBody(provider, 'bad_request', problem).body);
    }
    const model = typeof body.model === 'string' ? body.model : 'mock-model';
    const stream = body.stream === true;
    const includeUsage = isObj(body.stream_options) && body.stream_options.include_usage === true;
    const out = render(api, plan(api, body, bytes), model, stream, includeUsage);
    if (!Array.isArray(out)) return json(res, 200, out);
    const cut = req.headers['x-mock-cut'] !== undefined ? Number(req.headers['x-mock-cut']) : Infinity;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    void this.stream(res, out, cut);
  }

  private async stream(res: http.ServerResponse, events: MockEvent[], cut: number): Promise<void> {
    const gap = this.opts.chunkDelayMs ?? 0;
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (i >= cut) {
        res.destroy();
        return;
      }
      const e = events[i]!;
      const data = e.data === '[DONE]' ? '[DONE]' : JSON.stringify(e.data);
      res.write(e.event !== null ? `event: ${e.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
    }
    res.end();
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
