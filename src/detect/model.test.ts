import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contributions, fitLogistic, predict, thresholdForBudget } from './model.js';
import { campaignSummary } from './campaigns.js';

test('logistic regression separates a separable problem and explains its scores', () => {
  // y depends on x0 only; x1 is noise.
  const X: number[][] = [];
  const y: number[] = [];
  let s = 1;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 400; i++) {
    const pos = i % 4 === 0;
    X.push([pos ? 2 + rnd() : rnd(), rnd()]);
    y.push(pos ? 1 : 0);
  }
  const m = fitLogistic(['signal', 'noise'], X, y, 1);
  assert.ok(predict([2.5, 0.5], m) > 0.9);
  assert.ok(predict([0.3, 0.5], m) < 0.1);
  assert.ok(Math.abs(m.weights[0]!) > 5 * Math.abs(m.weights[1]!), 'the informative feature carries the weight');
  assert.equal(contributions([2.5, 0.5], m)[0]!.feature, 'signal');
  // Missing values fall back to the training mean (no contribution).
  assert.equal(contributions([Number.NaN, 0.5], m).find((c) => c.feature === 'signal')!.contribution, 0);
});

test('thresholds come from the false-positive budget on negatives, never below the floor', () => {
  const neg = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 .. 0.999
  const t = thresholdForBudget(neg, 0.01, 0);
  assert.equal(neg.filter((x) => x >= t).length, 10, 'exactly 1% of negatives at or above');
  assert.equal(thresholdForBudget([0.1, 0.2], 0.01, 0.5), 0.5, 'floor');
});

test('campaign summary reads as a sentence', () => {
  const s = campaignSummary(28_800_000, 24_975, Date.UTC(2026, 3, 22), Date.UTC(2026, 5, 5), {
    agentic_tool_use: 0.4,
    software_engineering: 0.3,
    coding: 0.25,
    general_chat: 0.05,
  });
  assert.equal(s, '28.8M interactions through 24,975 accounts between 22 Apr and 5 Jun 2026, targeting agentic reasoning and tool use, software engineering and coding');
});
