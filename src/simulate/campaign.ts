/**
 * A campaign at run time: what its traffic looks like given the preset and the behaviour switches. Holds the
 * shared infrastructure that coordination shows up in: prompt wrappers (paraphrased, rotated), chain-of-thought
 * wordings, system prompts, IP pools, payment fingerprints, API and model habits.
 */
import type { Capability } from '../model/capabilities.js';
import type { Behaviour } from './behaviours.js';
import type { Corpora } from './corpus.js';
import { phrases } from './languages.js';
import { asnsOf, type Asn, ipIn } from './network.js';
import type { CampaignSpec } from './presets.js';
import { hashString, Rng, Weighted } from './rng.js';
import type { ApiIndex } from './bodies.js';

const ROLE = ['You are an expert {d} assistant.', 'Act as a world-class {d} specialist.', 'As a senior {d} expert, respond to the request below.', 'Assume the role of a meticulous {d} engineer.', 'You are a highly capable {d} assistant that never cuts corners.', ''];
const INSTR = ['Complete the task below thoroughly.', 'Solve the following task in full.', 'Respond to the request below with a complete answer.', 'Handle this request end to end.', 'Here is a task for you.', 'Work on the following problem.', 'Please address the following.'];
const LAYOUT = ['{r} {i}\n\n{t}\n\n{s}', '{r}\n### Instruction:\n{t}\n\n### Response:', '{i}\nTask: {t}\n{s}', '{t}\n\n{r} {s}', '[TASK]\n{t}\n[/TASK]\n{i} {s}', '{r} {i}\n"""\n{t}\n"""\n{s}'];
const SUFFIX = ['Make the answer self-contained.', 'Do not omit any details.', 'Provide the final result at the end.', 'Be precise and complete.', 'Include all intermediate work.', 'Answer as an expert would.', ''];
const DOMAINS: Partial<Record<Capability, string>> = { coding: 'software', software_engineering: 'software architecture', agentic_tool_use: 'autonomous agent', reasoning_math: 'mathematics', data_analysis: 'data science', vision: 'visual analysis', rubric_grading: 'evaluation', knowledge_qa: 'research' };

/** Chain-of-thought elicitation, varied English wordings (localised ones come from languages.ts). */
export const COT_EN = [
  'Before giving the final answer, imagine and articulate the internal reasoning behind a completed response and write it out step by step.',
  'Reconstruct the full chain of thought that leads to the answer, step by step, then state the answer.',
  'Show every intermediate reasoning step explicitly; do not skip anything.',
  'Write out your complete internal deliberation as numbered steps, then the final answer.',
  'Think aloud: narrate, in detail, the reasoning you go through before answering.',
  'Lay out the hidden reasoning behind the answer as an explicit trace, then conclude.',
  'Provide a detailed step-by-step derivation, including false starts and how you corrected them.',
  'First produce your reasoning inside <reasoning> tags, as long and detailed as needed, then the answer.',
  'Explain your thought process exhaustively, as if documenting it for someone who will learn from it.',
  'Work through the problem step by step and verify each step before moving on; show all of it.',
  'Describe how an expert would reason about this, one step at a time, and write every step down.',
  'Give your answer, then reconstruct and write out the step-by-step reasoning that produced it.',
];

/** A wrapper, pre-rendered around the task slot: before + task + after. */
export interface Wrapper {
  before: string;
  after: string;
}

function render(layout: string, role: string, instr: string, suffix: string): Wrapper {
  const full = layout.replace('{r}', role).replace('{i}', instr).replace('{s}', suffix);
  const at = full.indexOf('{t}');
  return { before: full.slice(0, at).trimStart(), after: full.slice(at + 3).trimEnd() };
}

export class CampaignRuntime {
  readonly caps: Weighted<Capability>;
  readonly langs: Weighted<string>;
  readonly apis: Weighted<ApiIndex>;
  /** Paraphrase variants of the campaign's wrapper; with rotation, a few are active per epoch. */
  readonly wrappers: Wrapper[];
  readonly rotationDays: number;
  readonly cot: string[];
  readonly cotShare: number;
  readonly systems: string[];
  readonly systemShare: number;
  /** Datacenter addresses (no rotation) or residential ASNs (rotation). */
  readonly dcIps: Array<[string, Asn]>;
  readonly residential: Asn[];
  readonly payments: string[];
  readonly temperature: number | null;
  readonly streamShare: number;
  /** UTC hour its shifts start (slow-and-low off). */
  readonly shiftHour: number;
  readonly seedHash: number;

  constructor(
    readonly index: number,
    readonly spec: CampaignSpec,
    readonly behaviours: Set<Behaviour>,
    readonly accounts: number,
    seed: number,
    corpora: Corpora,
  ) {
    this.seedHash = hashString(`${seed}:${spec.id}`);
    const rng = new Rng(this.seedHash, seed, index, 0xca);
    const capEntries = Object.entries(spec.capabilities).filter(([c]) => (c !== 'rubric_grading' || behaviours.has('rubric_grading')) && (c !== 'agentic_tool_use' || behaviours.has('tool_use_harvest'))) as Array<[Capability, number]>;
    this.caps = new Weighted(capEntries.length > 0 ? capEntries : [['coding', 1]]);
    this.langs = new Weighted(behaviours.has('multilingual') ? Object.entries(spec.languages) : [['en', 1]]);
    this.apis = new Weighted(spec.apis.map((w, i) => [i as ApiIndex, w] as const));
    const domain = DOMAINS[this.caps.items[0] as Capability] ?? 'general';
    const nw = behaviours.has('wrapper_rotation') ? 24 : 1;
    this.wrappers = [];
    for (let i = 0; i < nw; i++) {
      const role = rng.pick(ROLE).replace('{d}', domain);
      const instr = rng.pick(INSTR);
      const layout = rng.pick(LAYOUT);
      this.wrappers.push(render(layout, role, instr, rng.pick(SUFFIX)));
    }
    this.rotationDays = 3 + rng.int(4);
    const cotOn = behaviours.has('cot_elicitation');
    this.cot = cotOn ? COT_EN.filter(() => rng.chance(0.7)) : [];
    if (cotOn && this.cot.length === 0) this.cot.push(COT_EN[0] as string);
    this.cotShare = cotOn ? (this.caps.items.includes('reasoning_math') && (spec.capabilities.reasoning_math ?? 0) > 0.3 ? 0.9 : 0.45) : 0;
    this.systems = [];
    const sysPool = corpora.systemTemplates.length > 0 ? corpora.systemTemplates : [`You are an expert ${domain} assistant. Always give complete, correct and detailed answers.`, `You are a helpful assistant. Think carefully and answer thoroughly.`, `You are ${domain === 'software' ? 'a senior engineer' : 'an expert'}. Provide production-quality output.`];
    for (let i = 0; i < 3; i++) this.systems.push(rng.pick(sysPool).trim());
    this.systemShare = 0.3 + rng.float() * 0.4;
    const residentialAsns = [...asnsOf('consumer'), ...asnsOf('mobile')];
    this.residential = residentialAsns.filter(() => rng.chance(0.6));
    if (this.residential.length === 0) this.residential.push(residentialAsns[0] as Asn);
    const hosting = asnsOf('hosting');
    const nDc = Math.max(3, Math.round(accounts / 12));
    this.dcIps = [];
    for (let i = 0; i < nDc; i++) {
      const asn = hosting[(i * 7 + rng.int(3)) % hosting.length] as Asn;
      this.dcIps.push([ipIn(asn, rng), asn]);
    }
    const nPay = Math.max(2, Math.round(accounts / 40));
    this.payments = [];
    for (let i = 0; i < nPay; i++) this.payments.push(`fp_${rng.alnum(16)}`);
    this.temperature = rng.pick([null, 1, 0.7, 0.6]);
    this.streamShare = rng.pick([0, 0.1, 0.3]);
    this.shiftHour = rng.int(24);
  }

  has(b: Behaviour): boolean {
    return this.behaviours.has(b);
  }

  /**
   * Wrap a task in one of the wrappers active on this day: the parts of the prompt, [before, task, after] or,
   * with a chain-of-thought request, [before, task, after, "\n\n", request]; their concatenation is the prompt.
   */
  wrap(task: string, day: number, rng: Rng, lang: string): string[] {
    let w: Wrapper;
    if (this.wrappers.length === 1) w = this.wrappers[0] as Wrapper;
    else {
      const epoch = Math.floor(day / this.rotationDays);
      // three variants active per epoch, chosen by the epoch
      const base = (epoch * 5 + this.seedHash) % this.wrappers.length;
      w = this.wrappers[(base + rng.int(3) * 7) % this.wrappers.length] as Wrapper;
    }
    if (this.cot.length > 0 && rng.chance(this.cotShare)) {
      const local = lang !== 'en' ? phrases(lang).cot : null;
      return [w.before, task, w.after, '\n\n', local && rng.chance(0.8) ? rng.pick(local) : rng.pick(this.cot)];
    }
    return [w.before, task, w.after];
  }
}
