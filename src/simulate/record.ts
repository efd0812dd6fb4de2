/**
 * One interaction: given an account, a slice and the call's index k in that slice, everything about the call
 * (time, prompt, model, reasoning settings, response, network) is drawn from an RNG seeded by
 * (seed, account, slice, k), so a record does not depend on which worker or unit produced it.
 */
import { CAPABILITIES, type Capability } from '../model/capabilities.js';
import { API_ANTHROPIC, type ApiIndex, ENDPOINTS, type Exchange, requestJson, responseJson } from './bodies.js';
import type { CampaignRuntime } from './campaign.js';
import { ipIn } from './network.js';
import { benignPrompt, chatHistory, type GenContext, type Prompt, task } from './prompts.js';
import { responseText, thinkingText } from './responses.js';
import { hash, hex32, Rng, SALT } from './rng.js';
import { CODING_AGENT_TOOLS } from './tools.js';
import * as V from './vocab.js';
import { HOUR_LIMIT, K_CLASS, K_CODING_AGENT, K_ENTERPRISE, K_EVAL, K_SYNTH, type SimAccount, type World } from './world.js';

export const CAP_INDEX = new Map<Capability, number>(CAPABILITIES.map((c, i) => [c, i]));

const HEX = hex32;

/** The opaque id of call k of account acc in slice s (the label writer recomputes it). */
export function recordId(seedMix: number, acc: number, s: number, k: number): string {
  // Three independent 32-bit hashes of (seed, account, slice, index): 96 bits, so ids do not collide by chance
  // (derived from one hash, as before, they collided about once in 10M records).
  const h1 = hash(seedMix, SALT.recordId, acc, s, k);
  const h2 = hash(seedMix ^ 0x68e31da4, SALT.recordId, k, acc, s);
  const h3 = hash(seedMix ^ 0x2545f491, s, SALT.recordId, k, acc);
  return `req_${HEX(h1)}${HEX(h2)}${HEX(h3)}`;
}

const CHATTY = new Set<Capability>(['general_chat', 'knowledge_qa', 'creative_writing', 'translation']);
const HOUR = 3_600_000;

export interface Made {
  ts: number;
  line: string;
  cap: Capability;
  model: string;
}

export class RecordMaker {
  private readonly rng = new Rng(1);
  private readonly ctx: GenContext;

  constructor(private readonly w: World) {
    this.ctx = { corpora: w.corpora, corpusShare: w.corpora.prompts.length > 0 || w.corpora.conversations.length > 0 ? 0.6 : 0 };
  }

  /**
   * @param kStream index of the call within its stream in this slice (for rate limits)
   */
  make(a: SimAccount, s: number, k: number, attack: boolean, kStream: number): Made {
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
    const x: Exchange = {
      api,
      model,
      prompt: p,
      maxTokens,
      thinkingBudget: think && api === API_ANTHROPIC ? budget : 0,
      effort: api !== API_ANTHROPIC ? effort : null,
      temperature: think && api === API_ANTHROPIC ? null : a.temperature,
      stream,
      metadataUser: a.metaUser,
      status,
      text,
      thinking: think && api !== 1 ? thinkingText(rng) : null,
      toolCall,
      inTok,
      outTok,
      reasoningTok,
      stop,
      rid: rng.hex(4),
      created: Math.floor(ts / 1000),
    };
    const latency = status === 200 ? Math.round((250 + outTok * (stream ? 8 : 11)) * (0.7 + 0.6 * rng.float())) : 30 + rng.int(400);

    // network
    let ip: string;
    let asn: number;
    let country: string;
    const net = a.net;
    if (net.rotate) {
      const as = rng.pick(net.rotate);
      ip = ipIn(as, rng);
      asn = as.asn;
      country = as.country;
    } else {
      const i = net.ips.length > 1 && rng.chance(0.25) ? 1 : 0;
      ip = net.ips[i] as string;
      const as = net.asns[i] ?? net.asns[0];
      asn = as?.asn ?? 0;
      country = as?.country ?? a.country;
    }
    const key = a.keys.length > 1 && rng.chance(0.3) ? a.keys[1] : a.keys[0];

    const line =
      `{"id":"${recordId(w.seedMix, a.idx, s, k)}","ts":"${new Date(ts).toISOString()}","account_id":"${a.id}"` +
      (a.orgId ? `,"org_id":"${a.orgId}"` : '') +
      `,"api_key_id":"${key}","ip":"${ip}","asn":${asn},"country":"${country}","user_agent":${JSON.stringify(a.ua)},"model":"${model}","endpoint":"${ENDPOINTS[api]}"` +
      `,"request":${requestJson(x)},"response":${responseJson(x)},"input_tokens":${inTok},"output_tokens":${outTok},"status":${status},"latency_ms":${latency}}`;
    return { ts, line, cap: p.cap, model };
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
    const [user, cot] = c.wrap(text, day, rng, eff);
    return {
      cap,
      lang: eff,
      user,
      system: rng.chance(c.systemShare) ? rng.pick(c.systems) : null,
      history: rng.chance(0.06) ? chatHistory(lang, 1, rng, this.ctx) : null,
      tools: extra?.tools ?? null,
      steps: extra?.steps ?? 0,
      image: extra?.image ?? null,
      cot,
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
  return { cap, lang, user, system: null, history: null, tools: null, steps: 0, image: null, cot };
}

const SYNTH_CAP: Capability[] = ['general_chat', 'creative_writing', 'creative_writing', 'creative_writing', 'knowledge_qa'];
const LONG_BUDGETS = [32000, 48000, 63999];
const SHORT_BUDGETS = [2048, 4096, 8192];
const MAX_TOKENS = [1024, 2048, 4096, 4096, 8192];
const ERROR_STATUS = [500, 529, 529, 429, 400];
