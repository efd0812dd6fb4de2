/**
 * The streaming detector: its account features agree with the batch features at the end of a stream; decisions use
 * only the past; a replay over simulated traffic blocks the campaign early and leaves look-alikes alone; state per
 * account stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../simulate/index.js';
import { Store } from '../store/store.js';
import { ingest } from '../ingest/pipeline.js';
import { buildAccountFeatures, ACCOUNT_FEATURES } from '../detect/features.js';
import { loadModel } from '../detect/analyze.js';
import { DEFAULT_POLICY } from '../enforce/policy.js';
import { AccountLabelSchema, type AccountLabel } from '../model/labels.js';
import { DecisionSchema, RESTRICTIVE_ACTIONS, type Decision } from '../model/results.js';
import { scratch } from '../testutil/fixtures.js';
import { OnlineDetector } from './detector.js';
import { forEachInteraction, loadAccounts, type ReplayRecord } from './read-store.js';
import { replayStore } from './replay.js';
import type { StreamRecord } from './account-state.js';

/** One small simulated data set, ingested once for all tests in this file. */
async function dataset(): Promise<{ store: Store; labels: AccountLabel[]; cleanup: () => void }> {
  const { dir, cleanup } = scratch();
  const sim = join(dir, 'sim');
  await simulate({ preset: 'seed-2026', scale: 0.001, seed: 11, outDir: sim });
  const store = await Store.open(join(dir, 'db.duckdb'));
  await ingest(store, { files: [join(sim, 'interactions.jsonl.gz')], accounts: [join(sim, 'accounts.jsonl')], tmpDir: dir });
  const labels = readFileSync(join(sim, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => AccountLabelSchema.parse(JSON.parse(l)));
  return {
    store,
    labels,
    cleanup: () => {
      store.close();
      cleanup();
    },
  };
}

const data = dataset();

/**
 * Features whose online value approximates the batch value, with the absolute tolerance allowed. All come from the
 * per-account caps that bound memory (128 wrappers, 128 IPs tracked exactly; beyond that an interaction's sharing is
 * judged when it arrives, and distinct IPs are counted with a 64-register sketch; the top wrapper of an account
 * with more than 128 can then differ). Ties between equally frequent wrappers go to the greater fingerprint in both.
 * Every other feature must agree exactly.
 */
const APPROX: Partial<Record<(typeof ACCOUNT_FEATURES)[number], number>> = {
  shared_template_share: 0.05,
  top_template_share: 0.03,
  template_accounts_log: 1.5,
  ips_per_interaction: 0.2,
  ip_shared_share: 0.06,
  ip_pool_new_share: 0.02,
};

test('online account features at the end of the stream equal the batch (SQL) features', async () => {
  const { store } = await data;
  await buildAccountFeatures(store);
  const cols = ACCOUNT_FEATURES.map((f) => `${f}::DOUBLE AS ${f}`).join(', ');
  const batch = await store.all<Record<string, number | string>>(`SELECT account_id, ${cols} FROM account_features`);
  const det = new OnlineDetector(loadModel(), await loadAccounts(store));
  await forEachInteraction(store, (r) => det.observe(r));
  assert.equal(det.accounts, batch.length);
  const mismatches: string[] = [];
  let checked = 0;
  let exact = 0;
  for (const row of batch) {
    const online = det.featuresOf(String(row.account_id))!;
    ACCOUNT_FEATURES.forEach((f, i) => {
      const b = Number(row[f]);
      const o = online[i]!;
      checked++;
      if (Math.abs(b - o) <= 1e-9 * Math.max(1, Math.abs(b))) exact++;
      else if (!(Math.abs(b - o) <= (APPROX[f] ?? 0))) mismatches.push(`${row.account_id} ${f}: batch ${b}, online ${o}`);
    });
  }
  assert.ok(checked > 30 * 100, `compared ${checked} values`);
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} mismatches`);
  assert.ok(exact / checked >= 0.97, `exactly equal: ${exact}/${checked}`);
});

test('replay: decisions follow the schema, the campaign is blocked early, look-alikes are not restricted', async () => {
  const { store, labels } = await data;
  const decisions: Decision[] = [];
  const s = await replayStore(store, loadModel(), DEFAULT_POLICY, (d) => decisions.push(DecisionSchema.parse(d)));
  assert.ok(s.interactions > 1000);
  const label = new Map(labels.map((l) => [l.account_id, l]));
  const blockedAt = new Map<string, number>();
  const restrictedBenign = new Set<string>();
  for (const d of decisions) {
    const l = label.get(d.account_id)!;
    if (d.action === 'block' && !blockedAt.has(d.account_id)) blockedAt.set(d.account_id, d.served_before!);
    if (l.role === 'benign' && RESTRICTIVE_ACTIONS.has(d.action)) restrictedBenign.add(`${d.account_id} (${l.group}) ${d.action}`);
  }
  const attackers = labels.filter((l) => l.role === 'attacker' && l.interactions > 0);
  const total = attackers.reduce((a, l) => a + l.interactions, 0);
  const leaked = attackers.reduce((a, l) => a + (blockedAt.get(l.account_id) ?? l.interactions), 0);
  assert.ok(attackers.length >= 10);
  assert.ok(attackers.filter((l) => blockedAt.has(l.account_id)).length / attackers.length >= 0.95, 'campaign accounts blocked by the end');
  assert.ok(leaked / total <= 0.05, `served before block: ${leaked}/${total}`);
  assert.deepEqual([...restrictedBenign], []);
});

test('a verdict uses only the past: replaying a prefix gives the same decisions up to its end', async () => {
  const { store } = await data;
  const all: ReplayRecord[] = [];
  await forEachInteraction(store, (r) => all.push(r));
  const accounts = await loadAccounts(store);
  const run = (recs: StreamRecord[]) => {
    const det = new OnlineDetector(loadModel(), accounts);
    const out: string[] = [];
    for (const r of recs) {
      const v = det.verdict(r.account_id);
      out.push(`${r.account_id}:${v?.verdict ?? '-'}:${v?.score ?? '-'}`);
      det.observe(r);
    }
    return out;
  };
  const half = Math.floor(all.length / 2);
  assert.deepEqual(run(all.slice(0, half)), run(all).slice(0, half));
});

test('per-account state is bounded: an account rotating IPs and wrappers keeps capped maps', () => {
  const det = new OnlineDetector(loadModel());
  const base: StreamRecord = {
    ts: Date.parse('2026-05-01T00:00:00Z'),
    account_id: 'rotator',
    org_id: null,
    ip: null,
    asn: null,
    user_agent: 'script/1.0',
    model: 'm1',
    turns: 1,
    tools: 0,
    reasoning_requested: true,
    reasoning_budget: 32000,
    reasoning_effort: null,
    max_tokens: 32000,
    capability: 'coding',
    cot: 1,
    rubric: 0,
    lang: 'en',
    template: null,
    lsh: null,
  };
  for (let i = 0; i < 20_000; i++) {
    det.observe({ ...base, ts: base.ts + i * 30_000, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, asn: 64_000 + (i % 500), template: `t${i}` });
  }
  const st = det.stateOf('rotator')!;
  assert.ok(st.ips.counts.size <= 128 && st.templates.counts.size <= 128 && st.asns.size <= 256, 'capped');
  const f = det.featuresOf('rotator')!;
  const ipsPer = f[ACCOUNT_FEATURES.indexOf('ips_per_interaction')]!;
  assert.ok(ipsPer > 0.7 && ipsPer <= 1.3, `distinct IPs estimated within the sketch's error: ${ipsPer}`);
  assert.equal(det.verdict('rotator')!.verdict === 'benign', false, 'a single-turn, max-budget, IP-rotating script is not benign');
});

test('close the shared store', async () => {
  (await data).cleanup();
});
