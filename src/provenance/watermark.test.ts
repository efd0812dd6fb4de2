import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWatermarker } from './watermark.js';
import { moveOffset } from './body.js';
import { keyFromSecret } from './key.js';
import { Rng } from './rng.js';
import { mixedText, proseSentence, randomChunks } from './testgen.js';

const rng = new Rng('watermark-test');
const key = keyFromSecret(rng.bytes32());

test('protected spans never change: code fences, inline code, JSON, URLs, e-mails, numbers, code lines (300 texts)', () => {
  const wm = createWatermarker(key, { maxChangeRate: 1 });
  let edits = 0;
  for (let i = 0; i < 300; i++) {
    const { text, protectedRanges } = mixedText(rng, 14);
    const r = wm.textWithStats(text);
    // The edits rebuild the output from the input, and none of them touches a protected range.
    let rebuilt = '';
    let at = 0;
    for (const e of r.edits) {
      rebuilt += text.slice(at, e.at) + r.text.slice(rebuilt.length + (e.at - at), rebuilt.length + (e.at - at) + e.newLength);
      at = e.at + e.oldLength;
      for (const [s, t] of protectedRanges) assert.ok(e.at + e.oldLength <= s || e.at >= t, `edit at ${e.at} inside protected ${JSON.stringify(text.slice(s, t))}`);
    }
    rebuilt += text.slice(at);
    assert.equal(rebuilt, r.text);
    for (const [s, t] of protectedRanges) assert.ok(r.text.includes(text.slice(s, t)), `protected span missing: ${JSON.stringify(text.slice(s, t))}`);
    edits += r.edits.length;
  }
  assert.ok(edits > 1000, `the prose around the spans is marked (${edits} edits)`);
});

test('words keep their case and punctuation; only lexicon words change', () => {
  const wm = createWatermarker(key, { maxChangeRate: 1 });
  for (let i = 0; i < 200; i++) {
    const text = proseSentence(rng, 30);
    const out = wm.text(text);
    const a = text.split(' ');
    const b = out.split(' ');
    assert.equal(a.length, b.length);
    a.forEach((w, j) => {
      const v = b[j]!;
      if (w === v) return;
      assert.equal(w.replace(/[A-Za-z']+/, ''), v.replace(/[A-Za-z']+/, ''), 'punctuation kept');
      assert.equal(/^[A-Z]/.test(w), /^[A-Z]/.test(v), 'case kept');
    });
  }
});

test('streamed output equals whole-text output for random chunkings', () => {
  const wm = createWatermarker(key, { maxChangeRate: 0.2 });
  for (let i = 0; i < 150; i++) {
    const { text } = mixedText(rng, 10);
    const whole = wm.text(text);
    for (const max of [1, 3, 17]) {
      const s = wm.stream();
      let out = '';
      for (const c of randomChunks(rng, text, max)) {
        const piece = s.push(c);
        // No lone high surrogate is ever sent.
        if (piece.length > 0) {
          const last = piece.charCodeAt(piece.length - 1);
          assert.ok(!(last >= 0xd800 && last <= 0xdbff));
        }
        out += piece;
      }
      out += s.end();
      assert.equal(out, whole);
    }
  }
});

test('streaming holds back only the current word: two-way splits at every offset', () => {
  const wm = createWatermarker(key, { maxChangeRate: 1 });
  const text = 'However, it is important to examine `big` data.\n```\nuse large\n```\nAlso see https://big.com/also and {"a": "big"} now, typically quickly.';
  const { text: whole, edits } = wm.textWithStats(text);
  for (let i = 0; i <= text.length; i++) {
    const s = wm.stream();
    const first = s.push(text.slice(0, i));
    assert.ok(whole.startsWith(first));
    // Everything up to the last whitespace is out: at most the word in progress is held back.
    const j = Math.max(text.lastIndexOf(' ', i - 1), text.lastIndexOf('\n', i - 1)) + 1;
    assert.ok(first.length >= moveOffset(j, edits), `held back more than the current word at ${i}`);
    assert.equal(first + s.push(text.slice(i)) + s.end(), whole);
  }
});

test('the changed-word share stays within the budget', () => {
  for (const rate of [0.01, 0.05, 0.2]) {
    const wm = createWatermarker(key, { maxChangeRate: rate });
    for (let i = 0; i < 50; i++) {
      const text = Array.from({ length: 8 }, () => proseSentence(rng, 15)).join(' ');
      const r = wm.textWithStats(text);
      assert.ok(r.stats.changed <= rate * r.stats.words + 1e-9, `${r.stats.changed} > ${rate} * ${r.stats.words}`);
      assert.equal(r.edits.length, r.stats.changed);
      const diff = text.split(' ').filter((w, j) => w !== r.text.split(' ')[j]).length;
      assert.equal(diff, r.stats.changed);
    }
  }
  assert.throws(() => createWatermarker(key, { maxChangeRate: 2 }), RangeError);
});

test('a/an agreement: after "a" or "an" a word is only swapped for one taking the same article', () => {
  const wm = createWatermarker(key, { maxChangeRate: 1 });
  for (let i = 0; i < 300; i++) {
    const k = keyFromSecret(rng.bytes32());
    const out = createWatermarker(k, { maxChangeRate: 1 }).text('It is an important idea and a useful, a huge and an enormous step.');
    assert.match(out, /\ban (important|essential)\b/);
    assert.match(out, /\ba (useful|helpful),/);
    assert.match(out, /\ba (huge|massive|vast)\b/);
    assert.match(out, /\ban enormous\b/);
  }
  assert.equal(wm.text(''), '');
});

test('stream stats and end are idempotent', () => {
  const s = createWatermarker(key).stream();
  s.push('However, this is big. ');
  s.end();
  assert.equal(s.end(), '');
  assert.throws(() => s.push('x'));
  assert.ok(s.stats().words >= 4);
});
