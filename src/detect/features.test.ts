/** Account features: each signal's direction on a harvesting script and on its legitimate look-alike. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store/store.js';
import { ACCOUNT_FEATURES, buildAccountFeatures, type AccountFeatureName } from './features.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 3, 22);

interface Row {
  account: string;
  ts: number;
  turns?: number;
  reasoning?: boolean;
  budget?: number | null;
  tools?: number;
  cot?: number;
  capability?: string;
  template?: string | null;
  ip?: string;
  model?: string;
}

let seq = 0;
async function insert(store: Store, rows: Row[]): Promise<void> {
  const v = rows.map(
    (r) =>
      `('r${seq++}', ${r.ts}, '${r.account}', '${r.ip ?? '192.0.2.1'}', '${r.model ?? 'm-old'}', ${r.turns ?? 1}, ${r.tools ?? 0}, ${r.reasoning ? 'true' : 'false'}, ${r.budget ?? 'NULL'},
       '${r.capability ?? 'general_chat'}', ${r.cot ?? 0}, 0, 'en', ${r.template ? `'${r.template}'` : 'NULL'}, 'f', ${seq})`,
  );
  for (let i = 0; i < v.length; i += 2000)
    await store.run(`INSERT INTO interactions (id, ts, account_id, ip, model, turns, tools, reasoning_requested, reasoning_budget, capability, cot, rubric, lang, template, source_file, source_line)
      VALUES ${v.slice(i, i + 2000).join(',')}`);
}

type F = Record<AccountFeatureName, number>;

async function features(store: Store): Promise<Map<string, F>> {
  await buildAccountFeatures(store);
  const rows = await store.all<Record<string, unknown>>(`SELECT * FROM account_features`);
  return new Map(rows.map((r) => [String(r.account_id), Object.fromEntries(ACCOUNT_FEATURES.map((k) => [k, Number(r[k])])) as F]));
}

test('usage shape: a script (single-turn, maximal budgets, around the clock, one wrapper) against an evaluation run and a person', async () => {
  const store = await Store.open(':memory:');
  try {
    const rows: Row[] = [];
    // Script: every 20 minutes for 10 days, single turn, thinking at the maximal budget, CoT, coding, one wrapper.
    for (let k = 0; k < 720; k++)
      rows.push({ account: 'script', ts: T0 + k * 20 * 60_000, reasoning: true, budget: 32000, cot: 0.9, capability: 'coding', template: 'w1' });
    // Evaluation run: many single-turn "think step by step" questions, but in a burst of a few hours on one day.
    for (let k = 0; k < 300; k++) rows.push({ account: 'eval', ts: T0 + 2 * DAY + k * 30_000, cot: 0.35, capability: 'reasoning_math' });
    // A person: office hours, multi-turn conversations, varied capabilities, no reasoning budgets.
    const caps = ['general_chat', 'creative_writing', 'coding', 'translation', 'knowledge_qa'];
    for (let d = 0; d < 10; d++) for (let h = 9; h < 17; h += 2) rows.push({ account: 'person', ts: T0 + d * DAY + h * HOUR, turns: 1 + ((d + h) % 5), capability: caps[(d + h) % 5]! });
    await insert(store, rows);
    const f = await features(store);
    const s = f.get('script')!;
    const e = f.get('eval')!;
    const p = f.get('person')!;
    assert.ok(s.hour_entropy > 0.95 && p.hour_entropy < 0.7 && e.hour_entropy < 0.4, 'scripts run around the clock; people and eval bursts keep hours');
    assert.ok(s.budget_saturation === 1 && p.budget_saturation === 0 && e.budget_saturation === 0);
    assert.ok(s.single_turn_share === 1 && p.single_turn_share < 0.5);
    assert.ok(s.cot_share === 1 && e.cot_share === 0 && p.cot_share === 0, 'plain "think step by step" (0.35) is not counted as trace elicitation');
    assert.ok(s.top_capability_share === 1 && p.capability_entropy > 1.5);
    assert.ok(s.high_value_share === 1 && p.high_value_share < 0.5);
    assert.ok(s.gap_cv < 0.1 && p.gap_cv > 1, 'a fixed pace is regular; a person is not');
    assert.ok(s.top_template_share === 1 && p.top_template_share === 0, 'one wrapper for all calls');
  } finally {
    store.close();
  }
});

test('account metadata and infrastructure: a farm against a class that signed up together and an enterprise behind one NAT', async () => {
  const store = await Store.open(':memory:');
  try {
    const acc: string[] = [];
    const rows: Row[] = [];
    const signup = T0 - 2 * DAY;
    // Farm: 6 new free accounts, disposable domain used only by new accounts, one payment card, created within an
    // hour from one network, rotating through a small proxy pool shared with each other.
    for (let i = 0; i < 6; i++) {
      acc.push(`('farm${i}', ${signup + i * 60_000}, 'free', false, 'mailbox.example', 'card-x', '203.0.113.${10 + i}', 'US', NULL)`);
      for (let k = 0; k < 30; k++) rows.push({ account: `farm${i}`, ts: T0 + k * HOUR, ip: `198.18.0.${(k + i) % 5}` });
    }
    // Class: 6 education accounts created within the hour on the campus network, own addresses afterwards, no card.
    for (let i = 0; i < 6; i++) {
      acc.push(`('class${i}', ${signup + i * 60_000}, 'education', true, 'uni.example', NULL, '198.51.100.${10 + i}', 'US', NULL)`);
      for (let k = 0; k < 5; k++) rows.push({ account: `class${i}`, ts: T0 + (k * 24 + 10) * HOUR, ip: `100.64.${i}.1` });
    }
    // Enterprise: 6 seats of one org, accounts a year old, one card, all behind one NAT address.
    for (let i = 0; i < 6; i++) {
      acc.push(`('ent${i}', ${T0 - 365 * DAY + i * DAY}, 'enterprise', true, 'corp.example', 'card-corp', '192.0.2.${10 + i}', 'US', 'org-1')`);
      for (let k = 0; k < 20; k++) rows.push({ account: `ent${i}`, ts: T0 + (k * 12 + 9) * HOUR, ip: '192.0.2.200' });
    }
    await store.run(`INSERT INTO accounts VALUES ${acc.join(',')}`);
    await insert(store, rows);
    const f = await features(store);
    const farm = f.get('farm0')!;
    const cls = f.get('class0')!;
    const ent = f.get('ent0')!;
    assert.equal(farm.farm_tier, 1);
    assert.equal(cls.farm_tier, 1, 'education tier counts as a farm tier: other signals must clear the class');
    assert.equal(ent.farm_tier, 0);
    assert.ok(farm.unverified === 1 && cls.unverified === 0);
    assert.ok(farm.age_days_log < Math.log1p(3) && ent.age_days_log > Math.log1p(300));
    assert.ok(farm.payment_shared_log > 0 && cls.payment_shared_log === 0);
    assert.ok(farm.signup_burst_log > 0 && cls.signup_burst_log > 0, 'both signed up in a burst');
    assert.ok(farm.ip_shared_share > 0.9 && farm.ip_pool_new_share === 1, 'a small pool shared only by new accounts');
    assert.ok(cls.ip_shared_share === 0, 'the class uses its own addresses after sign-up');
    assert.ok(ent.ip_shared_share === 1 && ent.ip_pool_new_share === 0, 'the NAT is shared, but by established accounts');
    assert.ok(ent.org_size_log > 0 && farm.org_size_log === 0);
  } finally {
    store.close();
  }
});

test('model pivot: moving traffic to a model released mid-window within a day, against gradual adoption', async () => {
  const store = await Store.open(':memory:');
  try {
    const rows: Row[] = [];
    const release = T0 + 10 * DAY;
    for (let d = 0; d < 20; d++)
      for (let k = 0; k < 10; k++) {
        const ts = T0 + d * DAY + k * 2 * HOUR;
        rows.push({ account: 'pivot', ts, model: ts >= release + 6 * HOUR && k % 2 === 0 ? 'm-new' : 'm-old' });
        rows.push({ account: 'slow', ts: ts + 1000, model: d >= 18 && k === 0 ? 'm-new' : 'm-old' });
      }
    // Someone else uses the new model first on release day, so the platform sees it appear then.
    rows.push({ account: 'other', ts: release, model: 'm-new' });
    await insert(store, rows);
    const f = await features(store);
    assert.ok(f.get('pivot')!.pivot_share > 0.3, `pivot ${f.get('pivot')!.pivot_share}`);
    assert.equal(f.get('slow')!.pivot_share, 0);
  } finally {
    store.close();
  }
});
