import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerGenerator } from './generator.js';
import { keyFromSecret } from './key.js';
import { Rng } from './rng.js';
import { SiteTally, verifyTexts } from './verify.js';
import { createWatermarker } from './watermark.js';

const rng = new Rng('verify-test');
const gen = new AnswerGenerator();
const unmarked = Array.from({ length: 200 }, () => gen.answer(rng));

test('unmarked text: p-values over 500 random keys are (super-)uniform; FPR at 0.01 within binomial tolerance', () => {
  const tally = new SiteTally();
  for (const t of unmarked) tally.add(t);
  assert.ok(tally.sites > 300, `enough sites (${tally.sites})`);
  const ps: number[] = [];
  for (let i = 0; i < 500; i++) ps.push(tally.score(keyFromSecret(rng.bytes32())).p);
  const at = (a: number) => ps.filter((p) => p <= a).length;
  // Bin(500, a): mean 500a; allow 3 standard deviations (+1) above.
  const tol = (a: number) => 500 * a + 3 * Math.sqrt(500 * a * (1 - a)) + 1;
  assert.ok(at(0.01) <= tol(0.01), `FPR at 0.01: ${at(0.01)}/500`);
  assert.ok(at(0.05) <= tol(0.05), `at 0.05: ${at(0.05)}/500`);
  assert.ok(at(0.5) <= tol(0.5), `at 0.5: ${at(0.5)}/500`);
  // Not degenerate: the p-values spread over (0, 1].
  assert.ok(at(0.5) >= 500 * 0.5 - 3 * Math.sqrt(125) - 40, `at 0.5: ${at(0.5)}/500 (too conservative)`);
});

test('marked text gives a tiny p-value with its key and none with another key', () => {
  const key = keyFromSecret(rng.bytes32());
  const wm = createWatermarker(key);
  const marked = unmarked.slice(0, 60).map((t) => wm.text(t));
  const r = verifyTexts(key, marked);
  assert.ok(r.p < 1e-10, `p = ${r.p}`);
  assert.ok(r.z > 6);
  assert.ok(r.hitRate > 0.7);
  const other = verifyTexts(keyFromSecret(rng.bytes32()), marked);
  assert.ok(other.p > 1e-3, `other key p = ${other.p}`);
});

test('repetition does not inflate the statistic: 1,000 copies score like one', () => {
  const key = keyFromSecret(rng.bytes32());
  const text = createWatermarker(key).text(unmarked.slice(0, 5).join('\n\n'));
  const once = verifyTexts(key, [text]);
  const many = verifyTexts(key, new Array<string>(1000).fill(text));
  assert.equal(many.sites, once.sites);
  assert.equal(many.hits, once.hits);
  assert.equal(many.z, once.z);
  assert.equal(many.p, once.p);
  assert.equal(many.occurrences, 1000 * once.occurrences);
  // Templated text: one sentence with varying numbers counts one site per (set, context).
  const templated = Array.from({ length: 500 }, (_, i) => `However, the large job took ${i} seconds.`);
  assert.equal(verifyTexts(key, templated).sites, verifyTexts(key, templated.slice(0, 1)).sites);
});

test('no sites: p = 1, z = 0', () => {
  const r = verifyTexts(keyFromSecret(rng.bytes32()), ['```\nbig also\n```', '12 34', '']);
  assert.equal(r.sites, 0);
  assert.equal(r.p, 1);
  assert.equal(r.z, 0);
});
