/**
 * Short model outputs (a few hundred characters): visible text per capability and, when reasoning was
 * requested, a thinking / reasoning-summary text. Logs keep only a truncated response, so token counts are
 * larger than the text shown.
 */
import type { Capability } from '../model/capabilities.js';
import { phrases } from './languages.js';
import type { Rng } from './rng.js';
import { PROG_LANGS } from './vocab.js';

const CODE = [
  'def solve(items):\n    seen = {}\n    for i, x in enumerate(items):\n        seen.setdefault(x, []).append(i)\n    return seen',
  'function merge(a: Interval[]): Interval[] {\n  a.sort((x, y) => x[0] - y[0]);\n  const out: Interval[] = [];\n  for (const iv of a) { /* ... */ }\n  return out;\n}',
  'func Backoff(n int) time.Duration {\n\td := base << n\n\treturn d/2 + time.Duration(rand.Int63n(int64(d/2)))\n}',
  'impl Cache {\n    fn get(&mut self, k: &str) -> Option<&V> {\n        self.touch(k);\n        self.map.get(k)\n    }\n}',
];

const PROSE: Partial<Record<Capability, string[]>> = {
  software_engineering: [
    'I would split this into three parts: an ingestion API that only validates and enqueues, a worker pool that is idempotent per key, and a reconciliation job. Start with one region, add a write-ahead outbox so retries are safe, and define SLOs before scaling out.',
    'Main risks: the migration holds a long lock, and the cache can serve stale reads during cut-over. Use an expand/contract migration, dual-write behind a flag, backfill in batches, then switch reads and remove the old path.',
  ],
  agentic_tool_use: [
    'The failure comes from the limit being applied after the extra row is fetched. I changed the slice to return exactly `limit` rows and compute the cursor from the last one. All 48 tests pass now.',
    'I checked the logs: the connection pool is exhausted after the retry storm. I raised the pool size temporarily, added jittered backoff, and opened a ticket with the timeline.',
  ],
  reasoning_math: ['Setting up the equation and solving gives x = 3 and x = -2; both check out when substituted back. So there are two solutions.', 'Count the arrangements without the restriction, subtract those where the two sit together: 5! - 2·4! = 72. The answer is 72.'],
  data_analysis: ['Revenue grew fastest in R2 (+38% month over month), while R1 was flat. Median per region is 4,120; the mean is pulled up by R3\'s spike in March.', 'Pivot with `df.pivot_table(index="region", columns="month", values="revenue", aggfunc="sum")`, then `.plot(kind="bar")`.'],
  vision: ['The chart shows monthly active users rising steadily from January to May, with a dip in March. The table in the screenshot has four columns: name, plan, seats, renewal date.', 'The screenshot shows a settings page; the contrast of the grey labels is too low and the icon buttons have no accessible names.'],
  creative_writing: ['The lighthouse hums its one long note,\nsalt on the glass, a gull afloat;\nthe keeper counts the ships by name\nand every night they pass the same.', 'At four a.m. the city exhales. A bakery light flickers on, and somewhere a robot, flour to its elbows, tries its first loaf again.'],
  translation: ['La reunión se ha trasladado al jueves por la tarde.', 'Le musée est fermé le lundi.', 'Das Paket kommt innerhalb von drei Werktagen an.'],
  knowledge_qa: ['In short: it is the process by which a system turns an input into a more useful form. The key ideas are conservation, a trade-off between speed and accuracy, and feedback that keeps it stable.', 'The main difference is scope: one describes the mechanism, the other the observable effect. Common misconception: they are not interchangeable.'],
  rubric_grading: ['{"correctness": 3, "reasoning": 2, "clarity": 3, "justification": "Correct result, but the second step skips a justification."}', 'Score: 6/10. Accuracy is fine, completeness is lacking (no edge cases), helpfulness is moderate. Answer A is better because it shows its work.'],
  general_chat: ['Here are a few ideas: pick one small step you can take today, set a simple budget, and check in with yourself after a week. Want me to turn that into a checklist?', 'A friendly, short message works best: thank them, state the change clearly, and suggest a next step.'],
};

const THINK = [
  'The user wants {w}. First, restate the constraints. Then consider the simplest approach and check edge cases: empty input, duplicates, very large values. Compare against an alternative; the first is simpler and fast enough. Verify with a small example before writing the answer.',
  'Let me break this down. Step 1: identify what is given. Step 2: set up the relationship. Step 3: solve, then sanity-check the units. Hmm, step 2 needs care because {w}. Re-checking: consistent. Now write it out clearly.',
  'Plan: read the relevant files, reproduce the failure, find the root cause, make the smallest fix, rerun the tests. The likely cause is {w}. I should confirm before editing.',
];

const WHAT = ['a correct and efficient solution', 'an off-by-one in the boundary', 'the rates combine additively', 'a clear explanation at the right level', 'the cursor logic', 'the order of operations'];

// Every output is drawn from precomputed strings: the same string objects recur, so escaping them can be cached.
const CODE_ANSWERS = PROG_LANGS.flatMap((pl) => CODE.map((c) => `Here is a ${pl} version:\n\`\`\`\n${c}\n\`\`\`\nIt runs in O(n) time.`));
const THINKING = THINK.flatMap((t) => WHAT.map((w) => t.replace('{w}', w)));
/** Localised outputs by language, then by English text (both keys are pooled strings, so lookups are cheap). */
const LOCAL = new Map<string, Map<string, string>>();

export function responseText(cap: Capability, lang: string, rng: Rng): string {
  const t = cap === 'coding' ? rng.pick(CODE_ANSWERS) : rng.pick(PROSE[cap] ?? (PROSE.general_chat as string[]));
  if (lang === 'en') return t;
  let byText = LOCAL.get(lang);
  if (byText === undefined) LOCAL.set(lang, (byText = new Map()));
  let l = byText.get(t);
  if (l === undefined) byText.set(t, (l = `${phrases(lang).lead}: ${t}`));
  return l;
}

export function thinkingText(rng: Rng): string {
  return rng.pick(THINKING);
}
