/**
 * One interaction: given an account, a slice and the call's index k in that slice, everything about the call
 * (time, prompt, model, reasoning settings, response, network) is drawn from an RNG seeded by
 * (seed, account, slice, k), so a record does not depend on which worker or unit produced it.
 */
import { CAPABILITIES, type Capability } from '../model/capabilities.js';
import { API_ANTHROPIC, type ApiIndex, ENDPOINTS, type Exchange, writeRequest, writeResponse } from './bodies.js';
import type { CampaignRuntime } from './campaign.js';
import { JsonBuf } from './jsonbuf.js';
import type { Asn } from './network.js';
import { benignPrompt, chatHistory, type GenContext, type Prompt, task } from './prompts.js';
import { responseText, thinkingText } from './responses.js';
import { hash, hex32, Rng, SALT } from './rng.js';
import { CODING_AGENT_TOOLS } from './tools.js';
import * as V from './vocab.js';
import { HOUR_LIMIT, K_CLASS, K_CODING_AGENT, K_ENTERPRISE, K_EVAL, K_SYNTH, type SimAccount, type World } from './world.js';

export const CAP_INDEX = new Map<Capability, number>(CAPABILITIES.map((c, i) => [c, i]));

const HEX = hex32;
const HEX_DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** The opaque id of call k of account acc in slice s (the label writer recomputes it). */
export function recordId(seedMix: number, acc: number, s: number, k: number): string {
  // Three independent 32-bit hashes of (seed, account, slice, index): 96 bits, so ids do not collide by chance
  // (derived from one hash, as before, they collided about once in 10M records).
  const h1 = hash(seedMix, SALT.recordId, acc, s, k);
  const h2 = hash(seedMix ^ 0x68e31da4, SALT.recordId, k, acc, s);
  const h3 = hash(seedMix ^ 0x2545f491, s, SALT.recordId, k, acc);
  return `req_${HEX(h1)}${HEX(h2)}${HEX(h3)}`;
}

/** recordId() without the "req_" prefix, written as bytes. */
function writeRecordId(o: JsonBuf, seedMix: number, acc: number, s: number, k: number): void {
  o.hex32(hash(seedMix, SALT.recordId, acc, s, k));
  o.hex32(hash(seedMix ^ 0x68e31da4, SALT.recordId, k, acc, s));
  o.hex32(hash(seedMix ^ 0x2545f491, s, SALT.recordId, k, acc));
}

const CHATTY = new Set<Capability>(['general_chat', 'knowledge_qa', 'creative_writing', 'translation']);
const HOUR = 3_600_000;

/** What the unit's tallies need of a record written by make() (one object, reused). */
export interface Made {
  ts: number;
  cap: Capability;
  model: string;
}

export class RecordMaker {
  private readonly rng = new Rng(1);
  private readonly ctx: GenContext;
  private readonly made: Made = { ts: 0, cap: 'general_chat', model: '' };
  private readonly x: Exchange = {
    api: API_ANTHROPIC,
    model: '',
    prompt: { cap: 'general_chat', lang: 'en', user: '', userParts: null, system: null, history: null, tools: null, steps: 0, image: null, cot: false },
    maxTokens: 0,
    thinkingBudget: 0,
    effort: null,
    temperature: null,
    stream: false,
    metadataUser: null,
    status: 200,
    text: '',
    thinking: null,
    toolCall: false,
    inTok: 0,
    outTok: 0,
    reasoningTok: 0,
    stop: 'end_turn',
    rid: new Uint8Array(32),
    created: 0,
  };
  /** Pre-written account fields (see accountFields()): by account, key and address; by rotating ASN and user agent. */
  private readonly fields = new Map<number, Buffer>();
  private readonly fieldsTail = new Map<Asn, Map<string, Buffer>>();
  private readonly scratch = new JsonBuf(1 << 12);
  /** See modelEndpoint(), by API. */
  private readonly modelEp = [new Map<string, Buffer>(), new Map<string, Buffer>(), new Map<string, Buffer>()];
  /** "YYYY-MM-DDTHH:" of the hour last written (records come sorted, so the hour rarely changes). */
  private hourMs = NaN;
  private hourText: Buffer = Buffer.alloc(0);

  constructor(private readonly w: World) {
    this.ctx = { corpora: w.corpora, corpusShare: w.corpora.prompts.length > 0 || w.corpora.conversations.length > 0 ? 0.6 : 0 };
  }

  /** The time of call k of account acc in slice s: the first draw of the call's RNG (as in make()). */
  ts(acc: number, s: number, k: number, attack: boolean): number {
    return this.w.clock.sliceStart(s) + this.rng.reseed(this.w.seedMix, acc, s, (k << 1) | (attack ? 1 : 0)).int(HOUR);
  }

  /**
   * Write the record (one JSON line, newline included) into o.
   * @param kStream index of the call within its stream in this slice (for rate limits)
   */
  make(o: JsonBuf, a: SimAccount, s: number, k: number, attack: boolean, kStream: number): Made {
    const w = this.w;
    const rng = this.rng.reseed(w.seedMix, a.idx, s, (k << 1) | (attack ? 1 : 0));
    const ts = w.clock.sliceStart(s) + rng.int(HOUR);
    const day = (s / 24) | 0;
    const c = attack ? (w.campaigns[a.campaign] as CampaignRuntime) : null;
    const p = c ? this.attackPrompt(c, day, rng) : this.benign(a, rng);

    // API shape and model
    let api: ApiIndex = a.api;
    if (a.kind !== K_CODING_AGENT && rng.chance(0.08)) api = (c ? c.apis.pick(rng) : rng.int(3)) as ApiIndex;
    const model = this.model(a, c, ts, rng);

    // reasoning settings
    let think: boolean;
    let budget: number;
    let maxTokens: number;
    if (c) {
      if (c.has('long_reasoning')) {
        think = p.cot || rng.chance(0.6);
        budget = rng.pick(LONG_BUDGETS);
        maxTokens = think ? 64000 : rng.pick([32000, 64000]);
      } else {
        think = p.cot ? rng.chance(0.5) : rng.chance(0.15);
        budget = rng.pick(SHORT_BUDGETS);
        maxTokens = think ? budget + 4096 : rng.pick([4096, 8192]);
      }
    } else {
      think = rng.chance(a.thinkShare) || (p.cot && rng.chance(0.3));
      budget = rng.pick(a.budgets);
      maxTokens = a.kind === K_CODING_AGENT ? 32000 : think ? budget + rng.pick([1024, 4096, 8192]) : rng.pick(MAX_TOKENS);
    }
    const effort = think ? (budget >= 16000 ? 'high' : budget >= 4000 ? 'medium' : 'low') : null;

    // outcome
    const toolCall = p.tools !== null && rng.chance(0.6);
    const text = responseText(p.cap, p.lang, rng);
    let reasoningTok = 0;
    if (think) reasoningTok = c && c.has('long_reasoning') ? Math.round(budget * (0.2 + 0.75 * rng.float())) : Math.round(budget * 0.35 * rng.float()) + 40;
    let outTok = Math.round(rng.lognormal(c ? 650 : 320, 0.6)) + reasoningTok;
    let stop: Exchange['stop'] = toolCall ? 'tool_use' : 'end_turn';
    if (outTok >= maxTokens) {
      outTok = maxTokens;
      stop = 'max_tokens';
    }
    let inChars = p.user.length + (p.system?.length ?? 0);
    if (p.history) for (const h of p.history) inChars += h.length;
    let inTok = Math.ceil(inChars / 3.6) + (p.tools ? p.tools.defs.length * 180 : 0) + p.steps * 90 + (p.image ? 1100 : 0) + 8;

    let status = 200;
    if (c && !c.has('rate_limit_evasion') && kStream >= (HOUR_LIMIT[a.tier] ?? 20)) status = 429;
    else if (rng.chance(0.004)) status = rng.pick(ERROR_STATUS);
    if (status !== 200) {
      inTok = 0;
      outTok = 0;
      reasoningTok = 0;
    }
    const stream = rng.chance(a.streamShare);
    // one Exchange per maker, refilled for each record (an object literal per record was measurable GC)
    const x = this.x;
    x.api = api;
    x.model = model;
    x.prompt = p;
    x.maxTokens = maxTokens;
    x.thinkingBudget = think && api === API_ANTHROPIC ? budget : 0;
    x.effort = api !== API_ANTHROPIC ? effort : null;
    x.temperature = think && api === API_ANTHROPIC ? null : a.temperature;
    x.stream = stream;
    x.metadataUser = a.metaUser;
    x.status = status;
    x.text = text;
    x.thinking = think && api !== 1 ? thinkingText(rng) : null;
    x.toolCall = toolCall;
    x.inTok = inTok;
    x.outTok = outTok;
    x.reasoningTok = reasoningTok;
    x.stop = stop;
    // the response id suffix: 4 random words as 32 hex digits, written once into reused bytes
    for (let i = 0; i < 4; i++) {
      const u = rng.u32();
      for (let j = 0; j < 8; j++) x.rid[i * 8 + j] = HEX_DIGITS[(u >>> (28 - 4 * j)) & 15] as number;
    }
    x.created = Math.floor(ts / 1000);
    const latency = status === 200 ? Math.round((250 + outTok * (stream ? 8 : 11)) * (0.7 + 0.6 * rng.float())) : 30 + rng.int(400);

    // network (a rotating address is written below, octet by octet, from the same draws as ipIn())
    let rotAs: Asn | null = null;
    let ipA = 0;
    let ipB = 0;
    let ipC = 0;
    let ipD = 0;
    let ipIdx = 0;
    const net = a.net;
    if (net.rotate) {
      rotAs = rng.pick(net.rotate);
      const pfx = rng.pick(rotAs.prefixes);
      ipA = pfx[0];
      ipB = pfx[1];
      ipC = rng.int(256);
      ipD = 1 + rng.int(254);
    } else ipIdx = net.ips.length > 1 && rng.chance(0.25) ? 1 : 0;
    const keyIdx = a.keys.length > 1 && rng.chance(0.3) ? 1 : 0;

    o.lit('{"id":"req_');
    writeRecordId(o, w.seedMix, a.idx, s, k);
    o.lit('","ts":"');
    this.isoTime(o, ts);
    if (rotAs) {
      o.bytes(this.accountFields(a, keyIdx, -1, null));
      o.num(ipA);
      o.byte(46);
      o.num(ipB);
      o.byte(46);
      o.num(ipC);
      o.byte(46);
      o.num(ipD);
      o.bytes(this.accountFields(a, keyIdx, -1, rotAs));
    } else o.bytes(this.accountFields(a, keyIdx, ipIdx, null));
    o.bytes(this.modelEndpoint(model, api));
    writeRequest(o, x);
    o.lit(',"response":');
    writeResponse(o, x);
    o.lit(',"input_tokens":');
    o.num(inTok);
    o.lit(',"output_tokens":');
    o.num(outTok);
    if (status === 200) o.lit(',"status":200,"latency_ms":');
    else {
      o.lit(',"status":');
      o.num(status);
      o.lit(',"latency_ms":');
    }
    o.num(latency);
    o.raw('}\n');
    const m = this.made;
    m.ts = ts;
    m.cap = p.cap;
    m.model = model;
    return m;
  }

  /**
   * The fields that depend only on the account and its choice of key and address, pre-written:
   * `","account_id":…,"user_agent":<ua>` for fixed address ipIdx; for a rotating address (ipIdx -1), the part
   * up to `"ip":"` (as null) or the part from `","asn":` on (as: the address's ASN). About 12 writes a record
   * become one or three (each write into the buffer costs ~250-300 instructions, counted with valgrind).
   * Bounded: cleared beyond 50k entries (at scale 1 there are far more accounts than that).
   */
  private accountFields(a: SimAccount, keyIdx: number, ipIdx: number, as: Asn | null): Buffer {
    let byUa: Map<string, Buffer> | undefined;
    let id = 0;
    let v: Buffer | undefined;
    if (as) {
      byUa = this.fieldsTail.get(as);
      if (byUa === undefined) this.fieldsTail.set(as, (byUa = new Map()));
      v = byUa.get(a.ua);
    } else {
      id = ipIdx < 0 ? -1 - ((a.idx << 1) | keyIdx) : (a.idx << 2) | (keyIdx << 1) | ipIdx;
      v = this.fields.get(id);
    }
    if (v !== undefined) return v;
    const t = this.scratch;
    t.pos = 0;
    // `","asn":…,"country":"…","user_agent":<ua>`: the tail of a rotating address, and of a fixed one below.
    const tail = (asn: number, country: string) => {
      t.lit('","asn":');
      t.num(asn);
      t.lit(',"country":"');
      t.raw(country);
      t.lit('","user_agent":');
      t.cached(a.ua);
    };
    if (as) tail(as.asn, as.country);
    else {
      t.lit('","account_id":"');
      t.raw(a.id);
      if (a.orgId) {
        t.lit('","org_id":"');
        t.raw(a.orgId);
      }
      t.lit('","api_key_id":"');
      t.raw(a.keys[keyIdx] as string);
      t.lit('","ip":"');
      if (ipIdx >= 0) {
        t.raw(a.net.ips[ipIdx] as string);
        const asn = a.net.asns[ipIdx] ?? a.net.asns[0];
        tail(asn?.asn ?? 0, asn?.country ?? a.country);
      }
    }
    v = Buffer.from(t.buf.subarray(0, t.pos));
    if (byUa) {
      if (byUa.size >= 10_000) byUa.clear();
      byUa.set(a.ua, v);
    } else {
      if (this.fields.size >= 50_000) this.fields.clear();
      this.fields.set(id, v);
    }
    return v;
  }

  /** `,"model":"<model>","endpoint":"<endpoint>","request":` (one write instead of five). */
  private modelEndpoint(model: string, api: ApiIndex): Buffer {
    const m = this.modelEp[api] as Map<string, Buffer>;
    let v = m.get(model);
    if (v === undefined) m.set(model, (v = Buffer.from(`,"model":"${model}","endpoint":"${ENDPOINTS[api]}","request":`)));
    return v;
  }

  /** ISO 8601 time in ms, as Date.prototype.toISOString writes it. */
  private isoTime(o: JsonBuf, ts: number): void {
    const h = Math.floor(ts / HOUR) * HOUR;
    if (h !== this.hourMs) {
      this.hourMs = h;
      this.hourText = Buffer.from(new Date(h).toISOString().slice(0, 14));
    }
    o.bytes(this.hourText);
    const r = ts - h;
    o.pad2(Math.floor(r / 60_000));
    o.byte(58);
    o.pad2(Math.floor(r / 1000) % 60);
    o.byte(46);
    o.pad3(r % 1000);
    o.byte(90);
  }

  /** Which model: the new one is adopted gradually by benign users; a pivoting operator moves half within 24 h. */
  private model(a: SimAccount, c: CampaignRuntime | null, ts: number, rng: Rng): string {
    const m = this.w.models;
    if (m.newModel && ts >= m.releaseMs) {
      const dt = ts - m.releaseMs;
      let p: number;
      if (c && c.has('model_pivot')) p = 0.5 * Math.min(1, dt / (16 * HOUR));
      else if (c) p = 0.2 * Math.min(1, dt / (7 * 24 * HOUR));
      else p = (a.kind === K_CODING_AGENT ? 0.45 : 0.3) * Math.min(1, dt / (10 * 24 * HOUR));
      if (rng.chance(p)) return m.newModel;
    }
    return (c ? m.attackOld : m.old).pick(rng);
  }

  /** Campaign traffic: a task from the shared pools (or the template corpus), wrapped the campaign's way. */
  private attackPrompt(c: CampaignRuntime, day: number, rng: Rng): Prompt {
    const cap = c.caps.pick(rng);
    const lang = c.langs.pick(rng);
    // Public pipeline templates and seed tasks are drawn only for the capability they are about (guessCapability, as
    // for benign corpus prompts), so that the label of a campaign call describes its text: a Code Alpaca seed task
    // used as a "knowledge Q&A" call made the campaign's true capability mix say what its traffic did not.
    const templates = this.w.campaignTemplates.get(cap);
    const seeds = this.w.campaignSeeds.get(cap);
    let text: string;
    let extra: ReturnType<typeof task> | null = null;
    if (templates && cap !== 'agentic_tool_use' && cap !== 'vision' && rng.chance(0.1)) {
      text = rng.pick(templates);
    } else if (seeds && rng.chance(0.35)) {
      text = rng.pick(seeds);
    } else {
      extra = task(cap, lang, rng);
      text = extra.text;
    }
    const eff = extra?.lang ?? 'en';
    const parts = c.wrap(text, day, rng, eff);
    let user = '';
    for (const part of parts) user += part;
    return {
      cap,
      lang: eff,
      user,
      userParts: parts,
      system: rng.chance(c.systemShare) ? rng.pick(c.systems) : null,
      history: rng.chance(0.06) ? chatHistory(lang, 1, rng, this.ctx) : null,
      tools: extra?.tools ?? null,
      steps: extra?.steps ?? 0,
      image: extra?.image ?? null,
      cot: parts.length > 3,
    };
  }

  /** Genuine traffic, by the account's kind (look-alike group). */
  private benign(a: SimAccount, rng: Rng): Prompt {
    const cap = a.caps.pick(rng);
    const lang = a.lang !== 'en' && rng.chance(0.15) ? 'en' : a.lang;
    switch (a.kind) {
      case K_CODING_AGENT: {
        const p = benignPrompt(cap, 'en', rng, this.ctx, this.w.corpusIdx);
        if (cap === 'agentic_tool_use') p.user = rng.pick(V.AGENT_TASKS);
        p.system = a.system;
        p.tools = CODING_AGENT_TOOLS;
        p.steps = rng.int(3);
        p.image = null;
        return p;
      }
      case K_EVAL: {
        if (cap === 'rubric_grading') return plain(cap, 'en', task(cap, 'en', rng).text);
        const q = task(cap, 'en', rng).text;
        const frame = rng.pick(V.EVAL_FRAMES);
        const n = () => String(rng.range(1, 120));
        return plain(cap, 'en', frame.replace('{q}', q).replace('{n1}', n()).replace('{n2}', n()).replace('{n3}', n()).replace('{n4}', n()), frame.includes('step by step'));
      }
      case K_SYNTH: {
        const gen = this.w.corpora.generationTemplates;
        if (gen.length > 0 && rng.chance(0.3)) return plain('creative_writing', 'en', rng.pick(gen));
        const t = rng.int(V.SYNTH_TEMPLATES.length);
        const text = (V.SYNTH_TEMPLATES[t] as string)
          .replace('{sub}', rng.pick(V.CHAT_SUBJECTS))
          .replace('{prod}', rng.pick(V.SYNTH_PRODUCTS))
          .replace('{sent}', rng.pick(V.TRANSLATE_SENTENCES));
        return plain(SYNTH_CAP[t] ?? 'creative_writing', 'en', text);
      }
      default: {
        const p = benignPrompt(cap, lang, rng, this.ctx, this.w.corpusIdx);
        if (CHATTY.has(cap) && rng.chance(a.multiTurn)) p.history = chatHistory(lang, rng.range(1, 4), rng, this.ctx);
        if (a.kind === K_ENTERPRISE && rng.chance(a.systemShare)) p.system = a.system;
        if (a.kind === K_CLASS && rng.chance(0.15)) {
          p.user += ' Explain step by step.';
          p.cot = true;
        }
        return p;
      }
    }
  }
}

function plain(cap: Capability, lang: string, user: string, cot = false): Prompt {
  return { cap, lang, user, userParts: null, system: null, history: null, tools: null, steps: 0, image: null, cot };
}

const SYNTH_CAP: Capability[] = ['general_chat', 'creative_writing', 'creative_writing', 'creative_writing', 'knowledge_qa'];
const LONG_BUDGETS = [32000, 48000, 63999];
const SHORT_BUDGETS = [2048, 4096, 8192];
const MAX_TOKENS = [1024, 2048, 4096, 4096, 8192];
const ERROR_STATUS = [500, 529, 529, 429, 400];
