import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clopperPearsonUpper, runDemo } from './demo.js';

test('small end-to-end demo: the marked student is detected, the unmarked one and human text are not', () => {
  const r = runDemo({ outputs: 200, harvest: 800, trials: 60, seed: 7 });
  const marked = r.detection.filter((d) => d.name.startsWith('student trained on watermarked'));
  const full = marked[marked.length - 1]!;
  assert.equal(full.outputs, 200);
  assert.ok(full.report.p < 1e-6, `marked student p = ${full.report.p}`);
  const unmarked = r.detection.find((d) => d.name.includes('unmarked'))!;
  assert.ok(unmarked.report.p > 1e-3, `unmarked student p = ${unmarked.report.p}`);
  assert.ok(r.teacher.changedShare <= 0.05);
  for (const f of r.fpr) assert.ok(f.rejections <= 5, `${f.name}: ${f.rejections}/${f.trials} rejected`);
  assert.ok(r.plan.outputs < 1000);
});

test('Clopper-Pearson upper bound', () => {
  assert.ok(Math.abs(clopperPearsonUpper(0, 100, 0.05) - (1 - Math.pow(0.05, 1 / 100))) < 1e-9);
  assert.ok(clopperPearsonUpper(5, 1000, 0.05) > 0.005 && clopperPearsonUpper(5, 1000, 0.05) < 0.011);
});
