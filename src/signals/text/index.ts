/**
 * Per-interaction text signals (src/signals/types.ts `TextSignals`), computed once per record in ingest workers and
 * in the gateway.
 *
 * Cost: the prompt is prepared once (prep.ts: bounded head+tail window, NFKC when non-ASCII, lower case) and scanned
 * once by a single combined dictionary scanner (scanner.ts) holding every lexicon: chain-of-thought, rubric,
 * capability cues and language stop words; the template fingerprint tokenizes a smaller window of the same prepared
 * text. System prompts repeat across thousands of calls: their scans are memoised (bounded map).
 */
import type { Capability } from '../../model/capabilities.js';
import type { SignalMeta, TextSignals } from '../types.js';
import { CAPABILITY_META, CAPABILITY_PHRASES, classify, hasEquation } from './capability.js';
import { COT_META, COT_PHRASES } from './cot.js';
import { LANG_GROUPS, LANG_META, guessLang, type LangGroups } from './lang.js';
import { prepare } from './prep.js';
import { RUBRIC_META, RUBRIC_PHRASES } from './rubric.js';
import { Lexicon, ScanResult } from './scanner.js';
import { TEMPLATE_META, templateOf } from './template.js';

export { cotScore, COT_META } from './cot.js';
export { rubricScore, RUBRIC_META } from './rubric.js';
export { detectLang, LANG_META } from './lang.js';
export { templateOf, skeletonText, TEMPLATE_META } from './template.js';
export { classify, CAPABILITY_META } from './capability.js';

/** Metadata of every text signal, for reports and the dashboard. */
export const TEXT_SIGNAL_META: readonly SignalMeta[] = [COT_META, RUBRIC_META, CAPABILITY_META, TEMPLATE_META, LANG_META];

/** What the request looked like besides its text (from `Derived`). */
export interface TextSignalRequest {
  tools: number;
  has_image: boolean;
  turns: number;
  reasoning_requested: boolean;
  tool_calls_in: number;
}

// The combined lexicon. Order matters only for phrases listed twice (the first group keeps them).
const LEX = new Lexicon();
const G_COT = LEX.addGroup('cot', COT_PHRASES);
const G_RUBRIC = LEX.addGroup('rubric', RUBRIC_PHRASES);
const CAP_GROUPS = new Map<Capability, number>(CAPABILITY_PHRASES.map(([cap, list]) => [cap, LEX.addGroup(`cap.${cap}`, list)] as const));
const LANG_G: LangGroups = LANG_GROUPS.map(([lang, list]) => [lang, LEX.addGroup(`lang.${lang}`, list)] as const);

const promptScan = new ScanResult(LEX.groups.length);
const taskScan = new ScanResult(LEX.groups.length);
const personaScan = new ScanResult(LEX.groups.length);

/**
 * A persona sentence in the user's turn ("You are an expert mathematics assistant.", "Act as a senior data science
 * specialist"): it says who the assistant should be, like a system prompt, not what is asked. Its cues count at the
 * system prompt's weight in the capability classifier; without that, a wrapper's persona decided the capability of
 * every request it carried (simulated reasoning-coercion traffic: 40% of knowledge questions and nearly all chat
 * under a "mathematics expert" persona were classified as maths). Requires a role noun, so "as a result" or "you are
 * given a list" are not personas.
 */
const PERSONA =
  /(?:^|[\n.!?:]\s*)((?:you are|you're|act as|acting as|as an?|assume the role of|imagine you are|pretend to be)\s[^\n.!?]{0,120}?\b(?:assistant|expert|specialist|engineer|analyst|tutor|teacher|professor|scientist|researcher|developer|programmer|consultant|advisor|adviser|writer|editor|mathematician|coach)s?\b[^\n.!?]{0,80}[.!?]?)/g;

/** The prompt without its persona sentences (blanked, so offsets and counts stay sane), or null when it has none. */
function splitPersona(p: string): [task: string, persona: string] | null {
  PERSONA.lastIndex = 0;
  if (!PERSONA.test(p)) return null;
  PERSONA.lastIndex = 0;
  let persona = '';
  const task = p.replace(PERSONA, (m: string, role: string) => {
    persona += role + '\n';
    return m.slice(0, m.length - role.length) + ' ';
  });
  return [task, persona];
}

/** System prompts' scans, memoised: agents send one system prompt thousands of times. Bounded; cleared when full. */
const systemScans = new Map<string, ScanResult>();
function scanSystem(system: string): ScanResult {
  let r = systemScans.get(system);
  if (r === undefined) {
    if (systemScans.size >= 2_000) systemScans.clear();
    r = LEX.scan(prepare(system), new ScanResult(LEX.groups.length));
    systemScans.set(system, r);
  }
  return r;
}

/** System-prompt cues count for less than the user's own prompt (a shared agent prompt is not per-account intent). */
const SYSTEM_WEIGHT = 0.8;

export function textSignals(prompt: string | null, system: string | null, d: TextSignalRequest): TextSignals {
  const p = prompt !== null && prompt.length > 0 ? prepare(prompt) : '';
  const r = LEX.scan(p, promptScan);
  const s = system !== null && system.length > 0 ? scanSystem(system) : null;
  let cot = r.strength(G_COT);
  let rubric = r.strength(G_RUBRIC);
  if (s !== null) {
    cot = 1 - (1 - cot) * (1 - SYSTEM_WEIGHT * s.strength(G_COT));
    rubric = 1 - (1 - rubric) * (1 - SYSTEM_WEIGHT * s.strength(G_RUBRIC));
  }
  const split = splitPersona(p);
  let capability: Capability;
  if (split === null) capability = classify(r, s, CAP_GROUPS, rubric, d, hasEquation(p, r));
  else {
    const task = LEX.scan(split[0], taskScan);
    capability = classify(task, s, CAP_GROUPS, rubric, d, hasEquation(split[0], task), LEX.scan(split[1], personaScan));
  }
  // Language of the prompt; of the system prompt when the prompt says nothing.
  let lang = guessLang(r, LANG_G);
  if (lang === 'und' && s !== null && p.length < 20) lang = guessLang(s, LANG_G);
  const { template, lsh } = templateOf(prompt, p);
  return { capability, cot: round3(cot), rubric: round3(rubric), lang, template, lsh };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Phrases the scan matched in a text, with their groups (for explanations and debugging; not on the hot path). */
export function explainText(text: string): Array<{ group: string; phrase: string }> {
  const r = LEX.scan(prepare(text), new ScanResult(LEX.groups.length));
  const groupOfPhrase = (id: number) => LEX.groupOfPhrase(id);
  return r.matched.map((id) => ({ group: LEX.groups[groupOfPhrase(id)]!, phrase: LEX.phrase(id) }));
}
