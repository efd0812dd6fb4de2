import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chernoffLn, hitTest, lnGamma, normalQuantileUpper, normalSf } from './stats.js';
import { planOutputs } from './plan.js';

/** Brute-force Poisson-binomial upper tail by dynamic programming over single sites. */
function bruteSf(ps: number[], k: number): number {
  let dist = [1];
  for (const p of ps) {
    const next = new Array<number>(dist.length + 1).fill(0);
    dist.forEach((v, j) => {
      next[j]! += v * (1 - p);
      next[j + 1]! += v * p;
    });
    dist = next;
  }
  return dist.slice(k).reduce((a, b) => a + b, 0);
}

test('exact binomial tails', () => {
  assert.ok(Math.abs(hitTest([{ n: 100, p: 0.5 }], 60).p - 0.028443966820490) < 1e-12);
  assert.ok(Math.abs(hitTest([{ n: 10, p: 0.5 }], 10).p - 2 ** -10) < 1e-15);
  assert.equal(hitTest([{ n: 10, p: 0.5 }], 0).p, 1);
});

test('mixed set sizes: exact Poisson-binomial tail, variance sum p(1-p)', () => {
  const groups = [
    { n: 30, p: 0.5 },
    { n: 20, p: 1 / 3 },
    { n: 10, p: 0.25 },
    { n: 7, p: 0.75 },
  ];
  const ps = groups.flatMap((g) => new Array<number>(g.n).fill(g.p));
  for (const k of [20, 30, 35, 45, 60, 67]) {
    const r = hitTest(groups, k);
    const b = bruteSf(ps, k);
    assert.ok(Math.abs(r.p - b) <= 1e-12 + 1e-9 * b, `k=${k}: ${r.p} vs ${b}`);
    assert.equal(r.method, 'exact');
    // The Chernoff bound is an upper bound.
    assert.ok(Math.exp(chernoffLn(groups, k)) >= b * (1 - 1e-9));
  }
  const r = hitTest(groups, 40);
  assert.ok(Math.abs(r.variance - (30 * 0.25 + (20 * 2) / 9 + 10 * 0.1875 + 7 * 0.1875)) < 1e-12);
});

test('huge counts fall back to a finite log p', () => {
  const r = hitTest([{ n: 200000, p: 0.5 }, { n: 100000, p: 1 / 3 }], 200000);
  assert.equal(r.method, 'chernoff');
  assert.ok(r.log10p < -300 && Number.isFinite(r.log10p));
});

test('normal helpers and lnGamma', () => {
  assert.ok(Math.abs(normalSf(1.959964) - 0.025) < 1e-6);
  assert.ok(Math.abs(normalQuantileUpper(1e-6) - 4.753424) < 1e-4);
  assert.ok(Math.abs(normalQuantileUpper(0.975) + 1.959964) < 1e-4);
  assert.ok(Math.abs(lnGamma(101) - 363.73937555556347) < 1e-9);
});

test('plan: more outputs for a weaker student or a stricter target', () => {
  const base = { targetP: 1e-6, hitRate: 0.65, sitesPerOutput: 1.5, nullRate: 0.5 };
  const a = planOutputs(base);
  assert.ok(a.outputs > 0 && Number.isFinite(a.outputs));
  assert.ok(planOutputs({ ...base, hitRate: 0.55 }).outputs > a.outputs);
  assert.ok(planOutputs({ ...base, targetP: 1e-9 }).outputs > a.outputs);
  assert.equal(planOutputs({ ...base, hitRate: 0.5 }).outputs, Infinity);
  // The planned number of sites reaches the target at the planned hit rate.
  const hits = Math.round(a.sites * base.hitRate);
  assert.ok(hitTest([{ n: a.sites, p: 0.5 }], hits).p < 1e-6);
});
