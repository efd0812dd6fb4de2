import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLexicon, eligible, parseLexicon, vowelSound } from './lexicon.js';

test('the built-in lexicon: hundreds of entries, every word in one set, weights sum to 1', () => {
  const lex = defaultLexicon();
  const words = lex.sets.flatMap((s) => s.members);
  assert.ok(lex.sets.length >= 150, `${lex.sets.length} sets`);
  assert.ok(words.length >= 350, `${words.length} words`);
  assert.equal(new Set(words).size, words.length);
  for (const s of lex.sets) assert.ok(Math.abs(s.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('the parser rejects malformed tables', () => {
  assert.throws(() => parseLexicon(['big']), /two members/);
  assert.throws(() => parseLexicon(['big large', 'large huge']), /two sets/);
  assert.throws(() => parseLexicon(['big large | nope']), /unknown flag/);
  assert.throws(() => parseLexicon(['Big large']), /bad member/);
  const l = parseLexicon(['big:3 large | comma not:a,the']);
  assert.deepEqual(l.sets[0]!.weights, [0.75, 0.25]);
  assert.ok(l.sets[0]!.comma && l.sets[0]!.notAfter.has('the'));
});

test('articles', () => {
  for (const w of ['important', 'enormous', 'idea', 'hour', 'easy']) assert.ok(vowelSound(w), w);
  for (const w of ['useful', 'usual', 'unique', 'big', 'one', 'huge']) assert.ok(!vowelSound(w), w);
  const set = defaultLexicon().byWord.get('huge')!;
  assert.deepEqual(eligible(set, 'huge', 'a').idx.map((i) => set.members[i]), ['huge', 'massive', 'vast']);
  assert.equal(eligible(set, 'huge', 'the').idx.length, 4);
});
