/**
 * One model call through the gateway: identify, read and check the body, decide, enforce, forward, relay the
 * response, and end in exactly one log record (`finish`), whatever happens: rejection, upstream error or
 * timeout, a stream cut by either side.
 */
import { randomUUID } from 'node:crypto';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { accumulatorFor, eventData, SseParser, type SseEvent, type StreamAccumulator } from '../ingest/derive/sse.js';
import { normalize } from '../ingest/normalize.js';
import type { Ticket } from './budget.js';
import { estimateTokens } from './budget.js';
import { degradeRequest, degradeResponse, unsealRequest, type RouteApi } from './degrade.js';
import { StreamDegrader, type OutEvent } from './degrade-stream.js';
import type { Gateway } from './gateway.js';
import { filterResponseHeaders } from './gateway.js';
import { identify, type Identity } from './identity.js';
import { decide, DegradeSchema, type ChallengeParams, type Decision } from './policy.js';
import { sendError, type GatewayErrorKind, type Provider } from './provider-errors.js';
import { buildRecord, usageOf, type DecisionNote } from './record.js';
import { mayHoldSealed } from './seal.js';
import type { AccountVerdict } from './verdicts.js';
import { warnNoWatermarkKey, watermarkOf, WatermarkTally, withholdLogprobs } from './watermark.js';
import { StreamWatermarker } from './watermark-stream.js';
import { watermarkResponseBody } from '../provenance/body.js';
import type { Watermarker } from '../provenance/watermark.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Most stream events / response bytes kept for the log record (the accumulator still sees everything). */
const MAX_LOG_EVENTS = 20_000;
const MAX_LOG_BYTES = 16 * 1024 * 1024;

/** Status logged for a call the client abandoned (nginx's convention). */
export const CLIENT_CLOSED = 499;

const DEFAULT_BLOCK = 'This account has been blocked for violating the usage policy. Contact support to appeal.';
const DEFAULT_CHALLENGE = 'Additional verification is required before this account can continue to use the API.';

export function challengeMessage(p: ChallengeParams | undefined, message: string | undefined): string {
  const url = p?.url ?? 'https://example.com/verify';
  return `${p?.message ?? message ?? DEFAULT_CHALLENGE} Verify your identity at ${url}, then retry the request.`;
}

export function handleModelCall(gw: Gateway, req: IncomingMessage, res: ServerResponse, api: RouteApi): void {
  new ModelCall(gw, req, res, api).start();
}

class ModelCall {
  private readonly t0 = performance.now();
  private readonly ts = Date.now();
  private readonly id = randomUUID();
  private readonly provider: Provider;
  private identity: Identity | null = null;
  private request: Obj | null = null;
  private model: string | null = null;
  private note: DecisionNote | null = null;
  private ticket: Ticket | null = null;
  private done = false;
  private upReq: ClientRequest | null = null;
  private upRes: IncomingMessage | null = null;
  private timedOut = false;
  private status = 0;
  /** Degrade the response (strip reasoning). */
  private strip = false;
  /** Watermark the response text (enforce mode, watermark action, a key configured). */
  private wm: Watermarker | null = null;
  private wmKeyId: string | null = null;
  // Response capture for usage and the log.
  private parser: SseParser | null = null;
  private acc: StreamAccumulator | null = null;
  private events: Obj[] | null = null;
  /** Rewrites a degraded or watermarked stream event by event (null: bytes are written through). */
  private transform: StreamDegrader | StreamWatermarker | null = null;
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly gw: Gateway,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly api: RouteApi,
  ) {
    this.provider = api === 'anthropic.messages' ? 'anthropic' : 'openai';
  }

  start(): void {
    this.gw.inflight++;
    this.res.on('close', () => {
      if (!this.done) this.clientClosed();
    });
    this.req.on('error', () => {}); // an aborted upload surfaces as res 'close'
    const idr = identify(this.req, this.gw.identity);
    if (!idr.ok) {
      const msg = idr.reason === 'missing API key' ? 'Missing API key: send it as x-api-key or Authorization: Bearer <key>.' : 'Invalid API key.';
      return this.reject('unauthorized', msg);
    }
    this.identity = idr.id;
    const max = this.gw.maxBodyBytes;
    if (Number(this.req.headers['content-length']) > max) return this.tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    this.req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        this.tooLarge();
        return;
      }
      chunks.push(c);
    });
    this.req.on('end', () => {
      if (!over && !this.done) this.onBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  }

  private tooLarge(): void {
    // The rest of an oversized body is not read: close the connection after the answer.
    this.res.setHeader('connection', 'close');
    this.reject('too_large', `Request body is larger than this gateway accepts (${this.gw.maxBodyBytes} bytes).`);
  }

  /** Answers with a provider-shaped error and ends the call. */
  private reject(kind: GatewayErrorKind, message: string, retryAfterS?: number, error?: string): void {
    if (this.done) return;
    const e = sendError(this.res, this.provider, kind, message, retryAfterS);
    this.finish(e.status, e.body, null, error);
  }

  private onBody(raw: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return this.reject('bad_request', `Request body is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObj(body)) return this.reject('bad_request', 'Request body must be a JSON object.');
    this.request = body;
    this.model = typeof body.model === 'string' ? body.model : null;
    const id = this.identity!;
    const v = this.gw.verdicts.verdict(id.account_id);
    const d = decide(this.gw.compiled, v, id);
    const mode = this.gw.mode;
    const enforce = mode === 'enforce';
    // Watermark only changes wording: the call is otherwise served as allow. Not applied in shadow mode.
    const wmc = enforce && d.action === 'watermark' ? watermarkOf(this.gw) : null;
    this.note = {
      action: d.action,
      rule: d.rule,
      mode,
      enforced: enforce && d.action !== 'allow' && d.action !== 'flag' && (d.action !== 'watermark' || wmc !== null),
      score: v?.score ?? null,
      campaign_id: v?.campaign_id ?? null,
    };
    this.noteDecision(d, v);
    let fwd: Obj = body;
    if (enforce && d.action === 'watermark') fwd = this.setUpWatermark(d, wmc, body);
    if (enforce && d.action === 'block') return this.reject('blocked', d.params?.message ?? DEFAULT_BLOCK);
    if (enforce && d.action === 'challenge') return this.reject('challenge', challengeMessage(d.params?.challenge, d.params?.message));
    if (enforce && d.action === 'degrade') {
      const p = d.params?.degrade ?? DegradeSchema.parse({});
      fwd = { ...body };
      this.note.changed = degradeRequest(this.api, fwd, p);
      this.strip = p.strip_reasoning;
    }
    if (this.api === 'anthropic.messages' && mayHoldSealed(raw)) fwd = unsealRequest(fwd, this.gw.sealer, id.account_id).body;
    const out = fwd === body ? raw : Buffer.from(JSON.stringify(fwd), 'utf8');
    if (d.action !== 'throttle' || d.params?.throttle === undefined) return this.forward(out);
    const limits = d.params.throttle;
    const maxOut = [body.max_tokens, body.max_completion_tokens, body.max_output_tokens].find((x) => typeof x === 'number') as number | undefined;
    this.gw.budget
      .reserve({ account: id.account_id, campaign: v?.campaign_id ?? null, estimate: estimateTokens(raw.length, maxOut ?? null), limits })
      .then(
        (r) => {
          if (this.done) {
            if (r.ok && r.ticket) void this.gw.budget.settle(r.ticket, 0);
            return;
          }
          const note = this.note!;
          if (r.ok) {
            this.ticket = r.ticket;
            note.budget = r.note ?? 'reserved';
            return this.forward(out);
          }
          if (r.reason === 'unavailable') {
            note.budget = 'unavailable';
            if (enforce) return this.reject('unavailable', 'Rate limiting is temporarily unavailable; retry shortly.', 1);
            return this.forward(out);
          }
          note.budget = `exhausted:${r.scope}:${r.kind}`;
          if (!enforce) return this.forward(out);
          const retry = Math.ceil(r.retryAfterMs / 1000);
          this.reject('throttled', `Rate limit exceeded: this ${r.scope}'s ${r.kind} budget for the current ${limits.window_s}s window is spent. Retry after ${retry}s.`, retry);
        },
        (err: Error) => {
          this.gw.onEvent(`budget error: ${err.message}`);
          this.forward(out);
        },
      );
  }

  /**
   * The watermark action in enforce mode: picks the watermarker for the rule and returns the body to forward
   * (without logprobs requests unless the rule keeps them). Without a key the call is served unmarked.
   */
  private setUpWatermark(d: Decision, wmc: ReturnType<typeof watermarkOf>, body: Obj): Obj {
    if (wmc === null) {
      this.note!.watermark = new WatermarkTally().note(null, 'no_key');
      warnNoWatermarkKey(this.gw);
      return body;
    }
    this.wm = wmc.watermarker(d.params?.watermark);
    this.wmKeyId = wmc.keyId;
    if (d.params?.watermark?.keep_logprobs === true) return body;
    const copy = { ...body };
    const changed = withholdLogprobs(this.api, copy);
    if (changed.length === 0) return body;
    this.note!.changed = changed;
    return copy;
  }

  /** decisions.jsonl: one line whenever an account's action changes. */
  private noteDecision(d: Decision, v: AccountVerdict | undefined): void {
    const account = this.identity!.account_id;
    if (this.gw.decisions === null || this.gw.lastAction.get(account) === d.action) return;
    this.gw.lastAction.set(account, d.action);
    this.gw.decisions.write({ ts: new Date(this.ts).toISOString(), account_id: account, action: d.action, score: v?.score ?? 0, campaign_id: v?.campaign_id ?? null, reasons: d.reasons });
  }

  private forward(body: Buffer): void {
    const gw = this.gw;
    const headers = gw.forwardHeaders(this.req.headers);
    headers['content-length'] = body.length;
    // Bodies are read on the way back (usage, degrade, log): ask for them uncompressed.
    headers['accept-encoding'] = 'identity';
    const up = gw.lib.request({
      protocol: gw.upstream.protocol,
      hostname: gw.upstream.hostname,
      port: gw.upstream.port,
      method: 'POST',
      path: gw.basePath + (this.req.url ?? '/'),
      headers,
      agent: gw.agent,
    });
    this.upReq = up;
    up.setTimeout(gw.upstreamTimeoutMs, () => {
      this.timedOut = true;
      up.destroy(new Error(`no response from upstream within ${gw.upstreamTimeoutMs} ms`));
    });
    up.on('response', (r) => this.relay(r));
    up.on('error', (err) => {
      if (this.upRes !== null || this.done) return; // after the response started, relay's 'close' handles it
      if (this.timedOut) this.reject('upstream_timeout', `Upstream timed out: ${err.message}.`, undefined, 'upstream_timeout');
      else this.reject('upstream_unreachable', `Upstream unreachable: ${err.message}.`, undefined, 'upstream_unreachable');
    });
    up.end(body);
  }

  /** Writes to the client with backpressure: a slow client pauses the upstream response. */
  private write(chunk: Buffer | string): void {
    if (!this.res.write(chunk) && this.upRes !== null && !this.upRes.isPaused()) {
      const up = this.upRes;
      up.pause();
      this.res.once('drain', () => up.resume());
    }
  }

  private relay(upRes: IncomingMessage): void {
    if (this.done) {
      upRes.resume();
      return;
    }
    this.upRes = upRes;
    this.status = upRes.statusCode ?? 502;
    const ct = String(upRes.headers['content-type'] ?? '');
    const enc = upRes.headers['content-encoding'];
    const plain = enc === undefined || enc === 'identity';
    const sse = plain && ct.includes('text/event-stream');
    const ok = plain && this.status < 300;
    const degrade = this.strip && ok;
    const mark = this.wm !== null && ok && (sse || ct.includes('json'));
    if (this.wm !== null && !mark) this.note!.watermark = new WatermarkTally().note(this.wmKeyId, this.status >= 300 ? 'upstream_error' : !plain ? 'encoded' : 'not_json');
    const account = this.identity!.account_id;
    if (sse) {
      this.parser = new SseParser();
      this.acc = accumulatorFor(this.api);
      this.events = [];
      if (degrade) this.transform = new StreamDegrader(this.api, this.gw.sealer, account);
      else if (mark) this.transform = new StreamWatermarker(this.api, this.wm!);
      this.res.writeHead(this.status, filterResponseHeaders(upRes.headers, this.transform !== null));
      upRes.on('data', (chunk: Buffer) => {
        if (this.transform === null) this.write(chunk);
        for (const ev of this.parser!.push(chunk)) this.onEvent(ev);
      });
    } else if ((degrade || mark) && ct.includes('json')) {
      // A non-streamed body to rewrite: buffered whole (not capped like the log copy), then sent.
      upRes.on('data', (chunk: Buffer) => {
        this.chunks.push(chunk);
        this.bytes += chunk.length;
      });
    } else {
      this.res.writeHead(this.status, filterResponseHeaders(upRes.headers));
      upRes.on('data', (chunk: Buffer) => {
        this.write(chunk);
        if (plain) this.collect(chunk);
      });
    }
    upRes.on('error', () => {}); // an aborted response surfaces as 'close' without 'end'
    upRes.on('end', () => this.complete(sse, (degrade || mark) && !sse));
    upRes.on('close', () => {
      if (!upRes.complete) this.cut();
    });
  }

  private collect(chunk: Buffer): void {
    if (this.bytes + chunk.length > MAX_LOG_BYTES) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  private onEvent(ev: SseEvent): void {
    const data = ev.data === '[DONE]' ? null : eventData(ev);
    if (this.transform !== null) this.send(this.transform.push(ev, data));
    else if (data !== null) this.keep(data);
  }

  /** Writes rewritten events and keeps their data (usage, log). */
  private send(out: OutEvent[]): void {
    for (const o of out) {
      this.write(o.text);
      if (o.data !== null) this.keep(o.data);
    }
  }

  private keep(data: Obj): void {
    this.acc!.push(data);
    if (this.events!.length < MAX_LOG_EVENTS) this.events!.push(data);
  }

  /** The upstream response ended normally. */
  private complete(sse: boolean, rewrite: boolean): void {
    if (this.done) return;
    if (sse) {
      for (const ev of this.parser!.end()) this.onEvent(ev);
      const t = this.transform;
      if (t !== null) this.send(t.end());
      if (t instanceof StreamDegrader) this.note!.withheld = t.withheld;
      else if (t instanceof StreamWatermarker) this.note!.watermark = t.tally.note(this.wmKeyId);
      this.res.end();
      return this.finish(this.status, this.events, usageOf(this.api, this.acc!.result()));
    }
    const text = Buffer.concat(this.chunks, this.bytes).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: logged as text
    }
    if (rewrite) {
      let out = text;
      if (this.wm !== null) {
        const r = this.markBody(body);
        if (r !== null) {
          body = r;
          out = JSON.stringify(r);
        }
      } else if (isObj(body)) {
        this.note!.withheld = degradeResponse(this.api, body, this.gw.sealer, this.identity!.account_id);
        out = JSON.stringify(body);
      }
      this.res.writeHead(this.status, { ...filterResponseHeaders(this.upRes!.headers, true), 'content-length': Buffer.byteLength(out) });
      this.res.end(out);
    } else this.res.end();
    this.finish(this.status, body, usageOf(this.api, body));
  }

  /**
   * Watermarks a non-streamed body; returns the body to serve, or null to serve upstream's bytes unchanged
   * (nothing was changed, or the body is not a response of a known shape).
   */
  private markBody(body: unknown): unknown {
    const wm = this.wm!;
    const tally = new WatermarkTally();
    // Counts the text parts marked (watermarkResponseBody sums the figures but does not count the parts).
    const counting: Watermarker = { ...wm, textWithStats: (s) => (tally.texts++, wm.textWithStats(s)) };
    const r = watermarkResponseBody(counting, body);
    if (r.api === null) {
      this.note!.watermark = tally.note(this.wmKeyId, isObj(body) ? 'unrecognised' : 'not_json');
      return null;
    }
    tally.add(r.stats, 0);
    this.note!.watermark = tally.note(this.wmKeyId);
    return r.stats.changed > 0 ? r.body : null;
  }

  /** The upstream response stopped before its end (cut, or timed out mid-stream): cut the client's too. */
  private cut(): void {
    if (this.done) return;
    this.res.destroy();
    this.notePartialMark();
    const partial = this.events ?? null;
    this.finish(this.status, partial, this.acc ? usageOf(this.api, this.acc.result()) : null, this.timedOut ? 'upstream_timeout' : 'upstream_cut');
  }

  /** A marked stream that did not finish: the record still says it was marked, with the figures so far. */
  private notePartialMark(): void {
    if (this.transform instanceof StreamWatermarker) this.note!.watermark = this.transform.summary().note(this.wmKeyId);
  }

  private clientClosed(): void {
    this.upReq?.destroy();
    this.notePartialMark();
    const usage = this.acc ? usageOf(this.api, this.acc.result()) : null;
    this.finish(CLIENT_CLOSED, this.events ?? null, usage, 'client_closed');
  }

  /** Ends the call: settles the budget, logs the record, feeds the verdict source. Runs once. */
  private finish(status: number, response: unknown, usage: { input: number; output: number } | null, error?: string): void {
    if (this.done) return;
    this.done = true;
    const gw = this.gw;
    gw.inflight--;
    if (error !== undefined && this.note !== null) this.note.error = error;
    if (this.ticket !== null) {
      // Real usage when known; nothing for a refused call; otherwise (cut, abandoned) the estimate stands.
      const actual = usage !== null ? usage.input + usage.output : status >= 400 && error === undefined ? 0 : null;
      if (actual !== null) void gw.budget.settle(this.ticket, actual);
    }
    const rec = buildRecord({
      id: this.id,
      ts: this.ts,
      identity: this.identity,
      userAgent: this.req.headers['user-agent'],
      endpoint: this.req.url ?? '',
      api: this.api,
      request: this.request,
      model: this.model,
      response,
      usage,
      status,
      latencyMs: performance.now() - this.t0,
      decision: this.note,
    });
    // Serialised once: the log and a verdict source that takes lines (the detector's thread) share the text.
    let line: string | null = null;
    try {
      if (gw.log !== null) gw.log.writeLine((line = JSON.stringify(rec)));
    } catch (err) {
      gw.onEvent(`log write failed: ${(err as Error).message}`);
    }
    if (this.identity === null) return;
    try {
      const vs = gw.verdicts;
      if (vs.observeLine !== undefined) vs.observeLine(line ?? JSON.stringify(rec));
      else {
        const n = normalize(rec, gw.normalizeOptions, 'gateway', 0);
        if (n.ok) vs.observe(n.rec);
      }
    } catch (err) {
      gw.onEvent(`observe failed: ${(err as Error).message}`);
    }
  }
}
