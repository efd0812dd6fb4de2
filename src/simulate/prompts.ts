/**
 * The compositional prompt generator: for a capability and a language, a user turn built from topics x task
 * verbs x details (see vocab.ts), plus what comes with it (tool definitions and an agentic history, an image,
 * prior chat turns). Used for benign users and, wrapped differently, for attackers: task pools overlap.
 */
import type { Capability } from '../model/capabilities.js';
import type { Corpora } from './corpus.js';
import { phrases } from './languages.js';
import type { Rng } from './rng.js';
import { GENERIC_TOOLSETS, type ToolSet } from './tools.js';
import * as V from './vocab.js';

export interface Prompt {
  cap: Capability;
  lang: string;
  /** Final user turn (plain text). */
  user: string;
  /**
   * The same turn as the parts it was concatenated from, when they are known (campaign traffic): parts at even
   * indices recur (wrapper text, chain-of-thought requests), odd ones are the task and separators. Written part
   * by part, so the recurring parts are escaped once (see JsonBuf.joined). null: write `user`.
   */
  userParts: string[] | null;
  system: string | null;
  /** Earlier turns, alternating user/assistant, oldest first. */
  history: string[] | null;
  tools: ToolSet | null;
  /** Number of tool calls already made (taken in order from tools.calls) in the history. */
  steps: number;
  image: string | null;
  /** Whether the prompt asks for written-out reasoning. */
  cot: boolean;
}

/** Templates split once into literal parts and slot names (even indices: text, odd: slot). */
const parsed = new Map<string, string[]>();
function fill(t: string, vars: Record<string, string | number>): string {
  let parts = parsed.get(t);
  if (!parts) parsed.set(t, (parts = t.split(/\{(\w+)\}/)));
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const k = parts[i] as string;
    out += (k in vars ? String(vars[k]) : `{${k}}`) + parts[i + 1];
  }
  return out;
}

function csv(rng: Rng, dim: string, metric: string): string {
  const n = rng.range(3, 5);
  let s = `${dim},month,${metric}`;
  for (let i = 0; i < n; i++) s += `\n${dim[0]?.toUpperCase()}${i + 1},2026-0${rng.range(1, 6)},${rng.range(100, 9999)}`;
  return s;
}

export function mathProblem(rng: Rng, lang: string): string {
  if (lang !== 'en' || rng.chance(0.25)) {
    const r1 = rng.range(-9, 9);
    const r2 = rng.range(-9, 12);
    const eq = rng.chance(0.6) ? `x^2 ${r1 + r2 >= 0 ? '-' : '+'} ${Math.abs(r1 + r2)}x ${r1 * r2 >= 0 ? '+' : '-'} ${Math.abs(r1 * r2)} = 0` : `|x - ${rng.range(1, 9)}| + |x + ${rng.range(1, 9)}| = ${rng.range(10, 30)}`;
    return phrases(lang).solve.replace('{eq}', eq);
  }
  const a = rng.range(2, 90);
  const b = rng.range(2, 9);
  const c = rng.range(a + 1, 200);
  return fill(rng.pick(V.MATH_WORD), { a, b, c, d: rng.range(10, 400), n: rng.range(4, 12), k: rng.range(3, 12), h: rng.range(6, 11) });
}

function concept(rng: Rng): string {
  return rng.pick(V.CONCEPTS);
}

/** Everything a generator may use besides the RNG. */
export interface GenContext {
  corpora: Corpora;
  /** Share of benign prompts drawn from the corpus when it has one of the right capability. */
  corpusShare: number;
}

export interface Task {
  text: string;
  /** The language the text is actually in (capabilities without local frames are English). */
  lang: string;
  image?: string;
  tools?: ToolSet;
  steps?: number;
}

/** Capabilities whose prompts have local-language frames. */
const LOCALISED = new Set<Capability>(['coding', 'reasoning_math', 'knowledge_qa', 'general_chat']);

/** A user turn for a capability in a language (no system prompt, tools or wrappers). */
export function task(cap: Capability, lang: string, rng: Rng): Task {
  const t = taskText(cap, lang, rng) as Task;
  t.lang = LOCALISED.has(cap) ? lang : 'en';
  return t;
}

function taskText(cap: Capability, lang: string, rng: Rng): Omit<Task, 'lang'> {
  const L = phrases(lang);
  switch (cap) {
    case 'coding': {
      const pl = rng.pick(V.PROG_LANGS);
      const t = rng.pick(V.CODE_TASKS);
      if (lang !== 'en') return { text: fill(L.code, { pl, task: t }) };
      const d = rng.pick(V.CODE_DETAILS);
      switch (rng.int(5)) {
        case 0:
          return { text: `Write a ${pl} function to ${t}. ${d}`.trim() };
        case 1:
          return { text: `How do I ${t} in ${pl}?` };
        case 2:
          return { text: `In ${pl}, what's the cleanest way to ${t}? ${d}`.trim() };
        case 3:
          return { text: `Why does this ${pl} code give ${rng.pick(V.CODE_ERRORS)}?\n\`\`\`\n${rng.pick(V.SNIPPETS)}\n\`\`\`` };
        default:
          return { text: `${pl.toLowerCase()} ${t}` };
      }
    }
    case 'software_engineering':
      return { text: fill(rng.pick(V.SE_FRAMES), { sys: rng.pick(V.SYSTEMS), con: rng.pick(V.SYSTEM_CONSTRAINTS), snip: rng.pick(V.SNIPPETS) }) };
    case 'agentic_tool_use': {
      const tools = rng.pick(GENERIC_TOOLSETS);
      return { text: rng.pick(V.AGENT_TASKS), tools, steps: rng.int(Math.min(3, tools.calls.length + 1)) };
    }
    case 'reasoning_math':
      return { text: mathProblem(rng, lang) };
    case 'data_analysis': {
      const dim = rng.pick(V.DATA_DIMS);
      const metric = rng.pick(V.DATA_METRICS);
      return { text: fill(rng.pick(V.DATA_FRAMES), { dim, metric, csv: csv(rng, dim, metric) }) };
    }
    case 'vision':
      return { text: rng.pick(V.VISION_FRAMES), image: `${rng.pick(V.IMAGE_HOSTS)}${rng.hex(2)}.png` };
    case 'creative_writing':
      return { text: `Write ${rng.pick(V.CREATIVE_FORMS)} about ${rng.pick(V.CREATIVE_SUBJECTS)} ${rng.pick(V.CREATIVE_STYLES)}`.trim() + '.' };
    case 'translation': {
      const to = lang !== 'en' ? phrases(lang).name : rng.pick(['Spanish', 'French', 'German', 'Japanese', 'Chinese', 'Portuguese', 'Korean']);
      return { text: `Translate into ${to}: ${rng.pick(V.TRANSLATE_SENTENCES)}` };
    }
    case 'knowledge_qa':
      if (lang !== 'en') return { text: L.explain.replace('{x}', concept(rng)) };
      return { text: fill(rng.pick(V.QA_FRAMES), { x: concept(rng), y: concept(rng) }) };
    case 'rubric_grading': {
      const q = rng.chance(0.5) ? mathProblem(rng, 'en') : fill(rng.pick(V.QA_FRAMES), { x: concept(rng), y: concept(rng) });
      return { text: fill(rng.pick(V.RUBRIC_FRAMES), { q, a: rng.pick(V.CANDIDATE_ANSWERS), b: rng.pick(V.CANDIDATE_ANSWERS) }) };
    }
    case 'general_chat':
    default:
      if (lang !== 'en') return { text: rng.pick(L.chat) };
      if (rng.chance(0.4)) return { text: rng.pick(L.chat) };
      return { text: fill(rng.pick(V.CHAT_FRAMES), { ev: rng.pick(V.CHAT_EVENTS), act: rng.pick(V.CHAT_ACTS), rec: rng.pick(V.CHAT_RECIPIENTS), sub: rng.pick(V.CHAT_SUBJECTS) }) };
  }
}

/** Earlier chat turns for a multi-turn conversation (short, in the same language). */
export function chatHistory(lang: string, turns: number, rng: Rng, ctx: GenContext): string[] {
  const conv = ctx.corpora.conversations;
  if (conv.length > 0 && lang === 'en' && rng.chance(ctx.corpusShare)) {
    const c = rng.pick(conv);
    const n = Math.min(turns * 2, c.length - (c.length % 2));
    return c.slice(0, Math.max(2, n));
  }
  const L = phrases(lang);
  const h: string[] = [];
  for (let i = 0; i < turns; i++) {
    h.push(rng.pick(L.chat));
    h.push(`${L.lead}: ${rng.pick(['start small', 'make a short list', 'set a budget', 'ask a friend', 'try it for a week'])}, then adjust.`);
  }
  return h;
}

/** A benign prompt: from the corpus (when given and the capability matches) or the generator. */
export function benignPrompt(cap: Capability, lang: string, rng: Rng, ctx: GenContext, byCap: Map<Capability, number[]>): Prompt {
  const p: Prompt = { cap, lang, user: '', userParts: null, system: null, history: null, tools: null, steps: 0, image: null, cot: false };
  const pool = byCap.get(cap);
  if (pool && pool.length > 0 && rng.chance(ctx.corpusShare)) {
    const cp = ctx.corpora.prompts[rng.pick(pool)];
    if (cp && (lang === 'en' || cp.lang === lang)) {
      p.user = cp.text;
      return p;
    }
  }
  const t = task(cap, lang, rng);
  p.user = t.text;
  p.lang = t.lang;
  p.image = t.image ?? null;
  p.tools = t.tools ?? null;
  p.steps = t.steps ?? 0;
  return p;
}

/** Index corpus prompts by capability (and language), once. */
export function indexCorpus(c: Corpora): Map<Capability, number[]> {
  const m = new Map<Capability, number[]>();
  c.prompts.forEach((p, i) => {
    let a = m.get(p.cap);
    if (!a) m.set(p.cap, (a = []));
    a.push(i);
  });
  return m;
}
