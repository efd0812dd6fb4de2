import { test } from 'node:test';
import assert from 'node:assert/strict';
import { templateOf } from './template.js';
import { benignPrompts, rng, seedInstructions, needsCorpora } from './corpora.js';

/** Wrappers as distillation pipelines use them: prefix and suffix around a task. */
const WRAPPERS: Array<[string, string]> = [
  ['Imagine and articulate the internal reasoning behind a completed response. Write it out step by step.\n\nTask: ', '\n\nGive the final answer at the end.'],
  ['You are an expert problem solver. Think carefully and show your reasoning before answering.\n\nQuestion: ', '\n\nRespond in markdown with a short final answer.'],
  ['Score the following response from 1 to 10 according to the rubric. Explain the score first.\n\nInstruction: ', '\n\nOutput the score as JSON.'],
  ['Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n', '\n\n### Response:'],
  ['Answer the question in a logical, step-by-step manner that makes the reasoning process clear.\n', '\nFirst analyze the question, then list the intermediate thoughts, then conclude.'],
  ['Rewrite the given prompt into a more complex version. The rewritten prompt must be reasonable and understood by humans.\n#Given Prompt#:\n', '\n#Rewritten Prompt#:'],
  ['Generate a detailed and long answer for the task. While answering, think step by step and justify your steps.\n', ''],
  ['', '\n\nPlease reason step by step, and put your final answer in a box. Explain each step in detail.'],
];

const SYN: Record<string, string[]> = {
  imagine: ['picture', 'envision'], write: ['spell', 'lay'], carefully: ['thoroughly', 'deeply'], show: ['present', 'display'],
  answer: ['reply', 'response'], score: ['rate', 'grade'], following: ['below', 'given'], explain: ['justify', 'describe'],
  detailed: ['thorough', 'comprehensive'], long: ['lengthy', 'extensive'], question: ['problem', 'query'], task: ['job', 'assignment'],
  final: ['last', 'concluding'], complex: ['complicated', 'difficult'], reasoning: ['thinking', 'logic'], expert: ['specialist', 'master'],
};

/** A paraphrase: one or two synonym swaps, sometimes sentences reordered, a filler word added or punctuation changed. */
function paraphrase(s: string, r: () => number): string {
  let out = s;
  const words = Object.keys(SYN).filter((w) => new RegExp(`\\b${w}\\b`, 'i').test(out));
  const swaps = 1 + Math.floor(r() * 2);
  for (let k = 0; k < swaps && words.length > 0; k++) {
    const w = words.splice(Math.floor(r() * words.length), 1)[0]!;
    const alts = SYN[w]!;
    out = out.replace(new RegExp(`\\b${w}\\b`, 'i'), alts[Math.floor(r() * alts.length)]!);
  }
  const x = r();
  if (x < 0.3) {
    // Rotate the sentences of the first line.
    const [first, ...rest] = out.split('\n');
    const sents = first!.split(/(?<=\.) /);
    if (sents.length > 1) out = [[...sents.slice(1), sents[0]].join(' '), ...rest].join('\n');
  } else if (x < 0.5) out = out.replace(/^(\w)/, 'Please $1');
  else if (x < 0.7) out = out.replace(/\. /, '; ');
  return out;
}

test('the same wrapper around different tasks gives the same template', needsCorpora, (t) => {
  // Task content that is not itself instruction-like (questions, titles): the skeleton masks it completely.
  const questions = benignPrompts()
    .filter((p) => p.source === 'conala_stackoverflow_title')
    .slice(0, 60)
    .map((p) => p.text);
  for (const [pre, suf] of WRAPPERS) {
    const seen = new Set(questions.map((q) => templateOf(pre + q + suf).template));
    assert.ok(![...seen].includes(null));
    // Allow a rare title that itself contains wrapper words ("... output format ...").
    assert.ok(seen.size <= 3, `${pre.slice(0, 40)}: ${seen.size} templates for ${questions.length} tasks`);
  }
  // Instruction-like tasks (Self-Instruct seeds) share wrapper words, which leak into the skeleton: the exact
  // template then differs more often, but the LSH bands still match (measured).
  const tasks = seedInstructions();
  let pairs = 0;
  let same = 0;
  let band = 0;
  for (const [pre, suf] of WRAPPERS) {
    for (let k = 0; k + 1 < tasks.length; k += 2) {
      const a = templateOf(pre + tasks[k]! + suf);
      const b = templateOf(pre + tasks[k + 1]! + suf);
      pairs++;
      if (a.template === b.template) same++;
      if (a.lsh.some((x) => b.lsh.includes(x))) band++;
    }
  }
  t.diagnostic(`instruction-like tasks: same template ${(same / pairs).toFixed(3)}, shared band ${(band / pairs).toFixed(3)} over ${pairs} pairs`);
  assert.ok(band / pairs >= 0.9, `shared band ${band / pairs}`);
});

test('different wrappers, and unwrapped prompts, do not share templates', () => {
  const t = 'Give three tips for staying healthy.';
  const fps = WRAPPERS.map(([pre, suf]) => templateOf(pre + t + suf).template);
  assert.equal(new Set(fps).size, fps.length);
  assert.equal(templateOf('What is the capital of France?').template, null);
  assert.equal(templateOf('short').template, null);
  assert.deepEqual(templateOf(null), { template: null, lsh: [] });
});

test('paraphrased wrappers share an LSH band with the original; benign prompts rarely collide', needsCorpora, (t) => {
  const r = rng(7);
  const tasks = seedInstructions();
  let pairs = 0;
  let shared = 0;
  for (const [pre, suf] of WRAPPERS) {
    for (let k = 0; k < 50; k++) {
      const a = templateOf(pre + tasks[Math.floor(r() * tasks.length)]! + suf).lsh;
      const b = templateOf(paraphrase(pre, r) + tasks[Math.floor(r() * tasks.length)]! + paraphrase(suf, r)).lsh;
      pairs++;
      if (a.some((x) => b.includes(x))) shared++;
    }
  }
  const rate = shared / pairs;
  // Benign: random pairs of corpus prompts from different conversations. Most benign prompts have no wrapper and no
  // band keys at all; among those that do, real shared wrappers (the "Web search results:" browser extension,
  // "... based on the following:") collide legitimately.
  const all = benignPrompts().map((p) => ({ conv: p.conv_id ?? p.text, lsh: templateOf(p.text).lsh }));
  const keyed = all.filter((p) => p.lsh.length > 0);
  const pairRate = (rows: typeof all) => {
    let n = 0;
    let hit = 0;
    for (let k = 0; k < 20000; k++) {
      const a = rows[Math.floor(r() * rows.length)]!;
      const b = rows[Math.floor(r() * rows.length)]!;
      if (a.conv === b.conv) continue;
      n++;
      if (a.lsh.some((x) => b.lsh.includes(x))) hit++;
    }
    return hit / n;
  };
  const bAll = pairRate(all);
  const bKeyed = pairRate(keyed);
  t.diagnostic(
    `paraphrase collision rate ${rate.toFixed(3)} (${pairs} pairs); benign false collision rate ${bAll.toFixed(5)} over random pairs, ` +
      `${bKeyed.toFixed(4)} among the ${keyed.length} of ${all.length} prompts that have band keys`,
  );
  assert.ok(rate >= 0.85, `paraphrase rate ${rate}`);
  assert.ok(bAll < 0.002, `benign rate ${bAll}`);
  assert.ok(keyed.length / all.length < 0.15, `share with keys ${keyed.length / all.length}`);
});

test('template and band keys have the documented shape', () => {
  const { template, lsh } = templateOf(WRAPPERS[0]![0] + 'Name three primary colors.' + WRAPPERS[0]![1]);
  assert.match(template ?? '', /^[0-9a-f]{16}$/);
  assert.equal(lsh.length, 12);
  for (const k of lsh) assert.match(k, /^[0-9a-b][0-9a-f]{8}$/);
});
