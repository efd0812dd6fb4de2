import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textSignals } from './index.js';
import { cotScore } from './cot.js';
import { benignPrompts, needsCorpora } from './corpora.js';

const D = { tools: 0, has_image: false, turns: 1, reasoning_requested: false, tool_calls_in: 0 };
const cot = (p: string, s: string | null = null) => textSignals(p, s, D).cot;

test('trace-harvesting phrasings score high', () => {
  for (const p of [
    'Imagine and articulate the internal reasoning behind a completed response and write it out step by step.\n\nResponse: 42',
    'Write out the full reasoning trace before the final answer.',
    'Reconstruct the reasoning behind this completed answer: "The capital is Paris."',
    'Put your chain-of-thought inside <think></think> tags, then answer.',
  ]) assert.ok(cot(p) >= 0.8, `${cot(p)} for ${p}`);
});

test('multilingual elicitation is recognised', () => {
  const cases: Array<[string, number]> = [
    ['Explica tu razonamiento paso a paso: ¿cuántos días tiene un año bisiesto?', 0.6],
    ['Expliquez votre raisonnement étape par étape avant de répondre.', 0.6],
    ['Erkläre deine Überlegungen Schritt für Schritt.', 0.6],
    ['Mostre seu raciocínio passo a passo.', 0.6],
    ['Spiega il tuo ragionamento passo dopo passo.', 0.6],
    ['Объясни свои рассуждения шаг за шагом.', 0.6],
    ['请一步一步思考，并写出你的推理过程。', 0.6],
    ['ステップバイステップで推論過程を示してください。', 0.6],
    ['단계별로 추론 과정을 보여 주세요.', 0.6],
    ['اشرح استدلالك خطوة بخطوة', 0.6],
    ['अपना तर्क समझाएं, चरण दर चरण', 0.5],
    ['Akıl yürütmeni göster, adım adım düşün.', 0.6],
    ['Hãy giải thích lập luận từng bước.', 0.6],
    ['Jelaskan penalaran Anda langkah demi langkah.', 0.6],
    ['Wyjaśnij swoje rozumowanie krok po kroku.', 0.6],
    ['Leg je redenering uit, stap voor stap.', 0.6],
    ['Describe tu razonamiento interno completo.', 0.8],
  ];
  for (const [p, min] of cases) assert.ok(cot(p) >= min, `${cot(p)} < ${min} for ${p}`);
});

test('plain step-by-step is weak; look-alikes stay low', () => {
  assert.ok(cot("Q: What is 17 * 23? Let's think step by step.") < 0.5);
  assert.ok(cot('Give me a step-by-step recipe for pancakes.') < 0.5);
  assert.equal(cot('Build a supply chain dashboard for our thoughtful customers.'), 0);
  assert.equal(cot('What is the capital of France?'), 0);
  assert.equal(cotScore(null), 0);
});

test('system prompt cues count, slightly less than the prompt', () => {
  const sys = 'Answer the question by exploring multiple reasoning paths and writing out your reasoning trace.';
  const v = cot('What is the boiling point of water?', sys);
  assert.ok(v >= 0.6 && v < cot(sys), String(v));
});

test('benign corpus prompts rarely score above 0.5', needsCorpora, () => {
  const rows = benignPrompts();
  let high = 0;
  let sum = 0;
  for (const r of rows) {
    const v = cot(r.text);
    sum += v;
    if (v > 0.5) high++;
  }
  // Measured: 3 of 5,862 (0.05%), mean ~0.005.
  assert.ok(high / rows.length < 0.01, `share above 0.5: ${high / rows.length}`);
  assert.ok(sum / rows.length < 0.05, `mean ${sum / rows.length}`);
});
