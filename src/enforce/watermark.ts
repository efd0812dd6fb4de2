/**
 * The gateway's `watermark` action: the key, a watermarker per change budget, the configuration check, and the
 * figures a log record carries.
 *
 * The key belongs to a gateway, not to a policy (policies are reloaded, shared and logged; the key is a
 * secret). It is attached with `setWatermarkKey(gw, key)` (the `gateway` command does it for
 * `--watermark-key FILE`); a policy that can decide `watermark` on a gateway without a key is refused at
 * startup and on reload (`watermarkKeyProblem`). Marking itself is done by src/provenance: non-streamed bodies
 * with `watermarkResponseBody`, streams event by event with `StreamWatermarker` (watermark-stream.ts).
 */
import type { RouteApi } from './degrade.js';
import type { Gateway } from './gateway.js';
import { watermarkUses, type Policy, type WatermarkParams } from './policy.js';
import { createWatermarker, DEFAULT_MAX_CHANGE_RATE, type Watermarker, type WatermarkStats } from '../provenance/watermark.js';
import type { WatermarkKey } from '../provenance/key.js';

/** A gateway's watermark key and its watermarkers (one per change budget, created on first use). */
export class GatewayWatermark {
  private readonly byRate = new Map<number, Watermarker>();

  constructor(readonly key: WatermarkKey) {}

  /** The key's public id (safe to log). */
  get keyId(): string {
    return this.key.id;
  }

  /** The watermarker for a rule's parameters (default budget when none). */
  watermarker(params?: WatermarkParams): Watermarker {
    const rate = params?.max_change_rate ?? DEFAULT_MAX_CHANGE_RATE;
    let wm = this.byRate.get(rate);
    if (wm === undefined) this.byRate.set(rate, (wm = createWatermarker(this.key, { maxChangeRate: rate })));
    return wm;
  }
}

/*
 * Keys by gateway. A side table rather than a Gateway field: the Gateway class (gateway.ts) is shared with other
 * work; GatewayOptions can take the key directly later (`watermarkKey`), with `watermarkOf` reading it from there.
 */
const configs = new WeakMap<Gateway, GatewayWatermark>();

/** Gives a gateway its watermark key (null removes it). Calls in flight keep the watermarker they had. */
export function setWatermarkKey(gw: Gateway, key: WatermarkKey | null): void {
  if (key === null) configs.delete(gw);
  else configs.set(gw, new GatewayWatermark(key));
}

/** The gateway's watermark configuration, or null when it has no key. */
export function watermarkOf(gw: Gateway): GatewayWatermark | null {
  return configs.get(gw) ?? null;
}

/**
 * Why a policy cannot be served with this key configuration, or null when it can: a policy that can decide
 * `watermark` (in either mode, so that switching to enforce cannot fail later) needs a key.
 */
export function watermarkKeyProblem(policy: Policy, key: WatermarkKey | null, name = 'policy'): string | null {
  if (key !== null) return null;
  const uses = watermarkUses(policy);
  if (uses.length === 0) return null;
  return `${name}: ${uses.join(', ')} ${uses.length === 1 ? 'uses' : 'use'} the watermark action, but no watermark key is configured (give --watermark-key FILE, written by \`distillguard provenance keygen\`)`;
}

/**
 * Removes the request fields that ask for token logprobs (Chat `logprobs`, `top_logprobs`; Responses
 * `top_logprobs` and the `message.output_text.logprobs` include): they would list the unmarked tokens.
 * Modifies `body`; returns the fields changed.
 */
export function withholdLogprobs(api: RouteApi, body: Record<string, unknown>): string[] {
  const changed: string[] = [];
  if (api === 'openai.chat' && body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== false) {
    delete body.logprobs;
    changed.push('logprobs');
  }
  if (api !== 'anthropic.messages' && body.top_logprobs !== undefined && body.top_logprobs !== null) {
    delete body.top_logprobs;
    changed.push('top_logprobs');
  }
  if (api === 'openai.responses' && Array.isArray(body.include) && body.include.includes('message.output_text.logprobs')) {
    body.include = body.include.filter((x) => x !== 'message.output_text.logprobs');
    changed.push('include');
  }
  return changed;
}

/** What a log record says about the mark (`decision.watermark`). */
export interface WatermarkNote {
  /** Public id of the key (null when none was configured). */
  key_id: string | null;
  /** Text parts marked (Anthropic text blocks, Chat choices, Responses output_text parts). */
  texts: number;
  /** Prose words, watermark sites, words changed, sites left by the change budget. */
  words: number;
  sites: number;
  changed: number;
  denied: number;
  /** Why the response was served unmarked: no_key, upstream_error, encoded, not_json, unrecognised. */
  skipped?: string;
}

/** Running totals of the texts of one response. */
export class WatermarkTally {
  texts = 0;
  words = 0;
  sites = 0;
  changed = 0;
  denied = 0;

  add(s: WatermarkStats, texts = 1): void {
    this.texts += texts;
    this.words += s.words;
    this.sites += s.sites;
    this.changed += s.changed;
    this.denied += s.denied;
  }

  note(keyId: string | null, skipped?: string): WatermarkNote {
    const n: WatermarkNote = { key_id: keyId, texts: this.texts, words: this.words, sites: this.sites, changed: this.changed, denied: this.denied };
    if (skipped !== undefined) n.skipped = skipped;
    return n;
  }
}

const warned = new WeakSet<Gateway>();

/** Tells the gateway's event hook, once, that a watermark decision met a gateway without a key. */
export function warnNoWatermarkKey(gw: Gateway): void {
  if (warned.has(gw)) return;
  warned.add(gw);
  gw.onEvent('a watermark decision on a gateway without a watermark key: responses are served unmarked (configure a key)');
}
