import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPABILITIES } from '../../model/capabilities.js';
import { TEXT_SIGNAL_META, explainText, textSignals } from './index.js';
import { benignPrompts, needsCorpora } from './corpora.js';

const D = { tools: 0, has_image: false, turns: 1, reasoning_requested: false, tool_calls_in: 0 };

test('textSignals returns the TextSignals contract for any input', () => {
  for (const [p, s] of [[null, null], ['', ''], ['x', null], [null, 'You are a helpful assistant.'], ['\u0000\uffff\ud800', null]] as const) {
    const r = textSignals(p, s, D);
    assert.ok((CAPABILITIES as readonly string[]).includes(r.capability));
    assert.ok(r.cot >= 0 && r.cot <= 1 && r.rubric >= 0 && r.rubric <= 1);
    assert.equal(typeof r.lang, 'string');
    assert.ok(r.template === null || /^[0-9a-f]{16}$/.test(r.template));
    assert.ok(Array.isArray(r.lsh));
  }
});

test('every corpus prompt is handled and results are deterministic', needsCorpora, () => {
  const rows = benignPrompts().slice(0, 500);
  const a = rows.map((r) => JSON.stringify(textSignals(r.text, null, D)));
  const b = rows.map((r) => JSON.stringify(textSignals(r.text, null, D)));
  assert.deepEqual(a, b);
});

test('long prompts: cues in the head and the tail are seen; the middle is skipped by design', () => {
  const filler = 'lorem ipsum dolor sit amet '.repeat(200);
  assert.ok(textSignals('Write out your full reasoning trace. ' + filler, null, D).cot >= 0.8);
  assert.ok(textSignals(filler + ' Write out your full reasoning trace.', null, D).cot >= 0.8);
});

test('metadata: unique ids, every field filled', () => {
  const ids = new Set(TEXT_SIGNAL_META.map((m) => m.id));
  assert.equal(ids.size, TEXT_SIGNAL_META.length);
  for (const m of TEXT_SIGNAL_META) {
    assert.ok(m.title && m.rationale && m.falsePositives.length > 0 && m.references.length > 0);
    assert.equal(m.level, 'interaction');
  }
});

test('explainText lists the matched phrases', () => {
  const hits = explainText('Think step by step and show your reasoning.');
  assert.ok(hits.some((h) => h.group === 'cot' && h.phrase === 'show your reasoning'));
});
