/** Simulator tests: determinism, preset shapes, behaviour switches, schemas, labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { InteractionInputSchema } from '../model/interaction.js';
import { AccountInputSchema } from '../model/account.js';
import { AccountLabelSchema, CampaignTruthSchema, LOOKALIKE_GROUPS, type AccountLabel, type CampaignTruth } from '../model/labels.js';
import { scratch, shared } from '../testutil/fixtures.js';
import { PRESETS, simulate, type SimulateOptions } from './index.js';
import type { BehaviourSwitches } from './behaviours.js';

interface Run {
  dir: string;
  records: Array<Record<string, unknown>>;
  labels: AccountLabel[];
  accounts: Array<Record<string, unknown>>;
  truth: CampaignTruth[];
  manifest: Record<string, unknown>;
  byAccount: Map<string, AccountLabel>;
}

const dirs: Array<() => void> = [];
process.on('exit', () => dirs.forEach((c) => c()));

async function run(o: Partial<SimulateOptions> & Pick<SimulateOptions, 'preset' | 'scale'>): Promise<Run> {
  const { dir, cleanup } = scratch('dg-sim-');
  dirs.push(cleanup);
  await simulate({ seed: 1, outDir: dir, workers: 2, ...o });
  const text = gunzipSync(readFileSync(join(dir, 'interactions.jsonl.gz'))).toString('utf8');
  const records = text ? text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
  const jsonl = (f: string) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const labels = jsonl('labels.jsonl') as AccountLabel[];
  return {
    dir,
    records,
    labels,
    accounts: jsonl('accounts.jsonl'),
    truth: JSON.parse(readFileSync(join(dir, 'campaigns_truth.json'), 'utf8')),
    manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
    byAccount: new Map(labels.map((l) => [l.account_id, l])),
  };
}

const attackIds = (r: Run, campaign?: string) => {
  const ids = new Set<string>();
  for (const l of r.labels) if (l.role === 'proxy_mixed' && (!campaign || l.campaign_id === campaign)) for (const id of l.distillation_ids ?? []) ids.add(id);
  return (rec: Record<string, unknown>) => {
    const l = r.byAccount.get(rec.account_id as string);
    if (!l || (campaign && l.campaign_id !== campaign)) return false;
    return l.role === 'attacker' || ids.has(rec.id as string);
  };
};

/** Text of the final user turn (any API shape). */
function userText(rec: Record<string, unknown>): string {
  const req = rec.request as Record<string, unknown>;
  const msgs = (req.messages ?? req.input) as unknown;
  if (typeof msgs === 'string') return msgs;
  const arr = msgs as Array<Record<string, unknown>>;
  const u = arr.find((m) => m.role === 'user');
  const c = u?.content;
  if (typeof c === 'string') return c;
  return JSON.stringify(c ?? '');
}

const hasNonAscii = (s: string) => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return true;
  return false;
};

const readGz = (dir: string) => readFileSync(join(dir, 'interactions.jsonl.gz'));

test('determinism: same seed gives identical bytes whatever the worker count; another seed differs', async () => {
  const a = scratch();
  const b = scratch();
  const c = scratch();
  try {
    await simulate({ preset: 'feb-2026', scale: 0.0005, seed: 42, outDir: a.dir, workers: 0 });
    await simulate({ preset: 'feb-2026', scale: 0.0005, seed: 42, outDir: b.dir, workers: 2 });
    await simulate({ preset: 'feb-2026', scale: 0.0005, seed: 43, outDir: c.dir, workers: 2 });
    assert.ok(readGz(a.dir).equals(readGz(b.dir)), 'interactions differ between runs with the same seed');
    for (const f of ['labels.jsonl', 'accounts.jsonl', 'campaigns_truth.json']) assert.equal(readFileSync(join(a.dir, f), 'utf8'), readFileSync(join(b.dir, f), 'utf8'), f);
    assert.ok(!readGz(a.dir).equals(readGz(c.dir)), 'a different seed gave the same interactions');
  } finally {
    a.cleanup();
    b.cleanup();
    c.cleanup();
  }
});

test('seed-2026 at small scale: shape, schemas, labels, order', async () => {
  const scale = 0.002;
  const r = await run({ preset: 'seed-2026', scale });
  const spec = PRESETS['seed-2026'];
  const cs = spec.campaigns[0]!;
  // every record is a valid canonical record, in time order, within the window
  let prev = 0;
  const ids = new Set<string>();
  const perAccount = new Map<string, number>();
  for (const rec of r.records) {
    const p = InteractionInputSchema.safeParse(rec);
    assert.ok(p.success, `invalid record: ${JSON.stringify(p.error?.issues?.[0])}`);
    const ts = p.data.ts;
    assert.ok(ts >= prev, 'records not sorted by time');
    prev = ts;
    assert.ok(ts >= Date.parse('2026-04-22T00:00:00Z') && ts < Date.parse('2026-06-06T00:00:00Z'));
    assert.ok(!ids.has(rec.id as string), 'duplicate id');
    ids.add(rec.id as string);
    perAccount.set(rec.account_id as string, (perAccount.get(rec.account_id as string) ?? 0) + 1);
    assert.ok(!/attack|distil|fraud|campaign|proxy/i.test(`${rec.id} ${rec.account_id} ${rec.user_agent} ${rec.api_key_id}`), 'give-away marker in traffic');
  }
  // labels: one per account, counts agree with the traffic, proxy ids are real ids of that account
  assert.equal(r.labels.length, r.accounts.length);
  for (const a of r.accounts) assert.ok(AccountInputSchema.safeParse(a).success);
  for (const l of r.labels) {
    assert.ok(AccountLabelSchema.safeParse(l).success);
    assert.ok(r.byAccount.has(l.account_id));
    assert.equal(l.interactions, perAccount.get(l.account_id) ?? 0, `interactions of ${l.account_id}`);
    if (l.role === 'benign') assert.equal(l.distillation_interactions, 0);
    if (l.role === 'attacker') assert.equal(l.distillation_interactions, l.interactions);
    if (l.role === 'proxy_mixed') {
      assert.ok(l.distillation_interactions > 0 && l.distillation_interactions < l.interactions, 'proxy accounts mix traffic');
      assert.equal(l.distillation_ids?.length, l.distillation_interactions);
      for (const id of l.distillation_ids ?? []) assert.ok(ids.has(id));
    }
  }
  for (const rec of r.records) assert.ok(r.byAccount.has(rec.account_id as string), 'record of an unlabelled account');
  // sizes: accounts and interactions scale with the report
  const atk = r.labels.filter((l) => l.campaign_id === cs.id);
  assert.equal(atk.length, Math.round(cs.accounts * scale));
  const dist = atk.reduce((s, l) => s + l.distillation_interactions, 0);
  assert.ok(Math.abs(dist / (cs.interactions * scale) - 1) < 0.2, `distillation interactions ${dist} vs ${cs.interactions * scale}`);
  const benign = r.labels.filter((l) => l.role === 'benign');
  assert.ok(benign.length >= 10 * atk.length);
  for (const g of LOOKALIKE_GROUPS) assert.ok(benign.some((l) => l.group === g && l.interactions > 0), `group ${g} missing`);
  // heavy-tailed benign usage: median small, max large
  const ord = benign.filter((l) => l.group === 'ordinary').map((l) => l.interactions).sort((x, y) => x - y);
  assert.ok((ord[ord.length >> 1] ?? 0) <= 10 && (ord[ord.length - 1] ?? 0) >= 100, 'ordinary usage is not heavy-tailed');
  // truth
  assert.equal(r.truth.length, 1);
  const t = CampaignTruthSchema.parse(r.truth[0]);
  assert.equal(t.interactions, dist);
  const capSum = Object.values(t.capabilities).reduce((s, v) => s + (v ?? 0), 0);
  assert.ok(Math.abs(capSum - 1) < 1e-9);
  const top = (t.capabilities.coding ?? 0) + (t.capabilities.software_engineering ?? 0) + (t.capabilities.agentic_tool_use ?? 0);
  assert.ok(top > 0.75, `coding/SE/agentic share ${top}`);
  // API shapes, reasoning, streaming all present
  const eps = new Set(r.records.map((x) => x.endpoint));
  for (const e of ['/v1/messages', '/v1/chat/completions', '/v1/responses']) assert.ok(eps.has(e), e);
  assert.ok(r.records.some((x) => Array.isArray(x.response)), 'no streamed responses');
  assert.ok(r.records.some((x) => JSON.stringify(x.response).includes('"type":"thinking"')), 'no thinking blocks');
  assert.ok(r.records.some((x) => JSON.stringify(x.request).includes('"tool_result"')), 'no tool results');
  // coding-agent look-alike: one shared system prompt
  const agentSys = new Set(r.records.filter((x) => r.byAccount.get(x.account_id as string)?.group === 'coding_agent').map((x) => (x.request as { system?: string }).system));
  assert.equal(agentSys.size, 1);
  // enterprise look-alike: seats share org, NAT address and payment
  const ent = r.accounts.filter((a) => r.byAccount.get(a.account_id as string)?.group === 'enterprise_nat');
  assert.ok(ent.length >= 6 && new Set(ent.map((a) => a.org_id)).size < ent.length / 3);
  assert.equal(new Set(ent.map((a) => a.payment_fingerprint)).size, new Set(ent.map((a) => a.org_id)).size);
});

test('feb-2026: three campaigns, proxy network mixing genuine traffic, pivot to the new model', async () => {
  const scale = 0.002;
  const r = await run({ preset: 'feb-2026', scale });
  assert.equal(r.truth.length, 3);
  for (const cs of PRESETS['feb-2026'].campaigns) {
    const t = r.truth.find((x) => x.campaign_id === cs.id)!;
    assert.ok(t.accounts >= 3);
    assert.ok(Math.abs(t.interactions / (cs.interactions * scale) - 1) < 0.25, `${cs.id}: ${t.interactions}`);
    const want = Object.entries(cs.capabilities).sort((a, b) => b[1] - a[1])[0]![0];
    const got = Object.entries(t.capabilities).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0]![0];
    assert.equal(got, want, `${cs.id} dominant capability`);
  }
  const proxies = r.labels.filter((l) => l.role === 'proxy_mixed');
  assert.ok(proxies.length > 0 && proxies.every((l) => l.campaign_id === 'feb-2026-c'));
  const man = r.manifest as { new_model: { name: string; released: string } };
  const rel = Date.parse(man.new_model.released);
  const isAtk = attackIds(r, 'feb-2026-c');
  const after = r.records.filter((x) => isAtk(x) && Date.parse(x.ts as string) >= rel + 24 * 3_600_000);
  const share = after.filter((x) => x.model === man.new_model.name).length / after.length;
  assert.ok(share > 0.4 && share < 0.6, `pivot share ${share}`);
  const before = r.records.filter((x) => isAtk(x) && Date.parse(x.ts as string) < rel);
  assert.ok(before.every((x) => x.model !== man.new_model.name));
});

test('reasoning-coercion: chain-of-thought prompts in many languages', async () => {
  const scale = 0.01;
  const r = await run({ preset: 'reasoning-coercion', scale });
  const t = r.truth[0]!;
  assert.ok(Math.abs(t.interactions / 1000 - 1) < 0.25, `${t.interactions}`);
  assert.ok((t.capabilities.reasoning_math ?? 0) > 0.35);
  const isAtk = attackIds(r);
  const atk = r.records.filter(isAtk);
  const nonAscii = atk.filter((x) => hasNonAscii(userText(x))).length;
  assert.ok(nonAscii / atk.length > 0.3, `non-English share ${nonAscii / atk.length}`);
  for (const g of LOOKALIKE_GROUPS) assert.ok(r.labels.some((l) => l.group === g && l.interactions > 0), `group ${g}`);
});

/** Switch comparisons on a small reasoning-coercion or feb-2026 run. */
async function pair(preset: 'feb-2026' | 'reasoning-coercion', scale: number, off: BehaviourSwitches): Promise<[Run, Run]> {
  return [await run({ preset, scale }), await run({ preset, scale, behaviours: off })];
}

test('switches: ip_rotation, account_farming, multilingual, long_reasoning', async () => {
  const [on, off] = await pair('reasoning-coercion', 0.01, { ip_rotation: false, account_farming: false, multilingual: false, long_reasoning: false });
  const ipsPerAccount = (r: Run) => {
    const m = new Map<string, Set<string>>();
    const isAtk = attackIds(r);
    for (const x of r.records) if (isAtk(x)) (m.get(x.account_id as string) ?? m.set(x.account_id as string, new Set()).get(x.account_id as string)!).add(x.ip as string);
    return [...m.values()].map((s) => s.size);
  };
  const onIps = ipsPerAccount(on);
  const offIps = ipsPerAccount(off);
  assert.ok(Math.max(...offIps) <= 2, 'rotation off: few IPs per account');
  assert.ok(onIps.reduce((a, b) => a + b, 0) / onIps.length > 10, 'rotation on: many IPs per account');
  const disposable = (r: Run) => r.accounts.filter((a) => r.byAccount.get(a.account_id as string)?.role !== 'benign' && /mailinator|guerrilla|10minute|yopmail|sharklasers|tempmail|maildrop|dispostable|trashmail|getnada|mail\.tm|emailondeck/.test(String(a.email_domain))).length;
  assert.ok(disposable(on) > 0 && disposable(off) === 0, 'farming: disposable e-mail');
  const atkOff = off.records.filter(attackIds(off));
  assert.ok(atkOff.every((x) => !hasNonAscii(userText(x))), 'multilingual off: English only');
  const budget = (x: Record<string, unknown>) => ((x.request as { thinking?: { budget_tokens?: number } }).thinking?.budget_tokens ?? 0);
  assert.ok(on.records.filter(attackIds(on)).some((x) => budget(x) >= 32000));
  assert.ok(atkOff.every((x) => budget(x) < 32000), 'long_reasoning off: no maximal budgets');
  assert.ok(!off.truth[0]!.behaviours.includes('ip_rotation'));
});

test('switches: proxy_mixing, model_pivot, rate_limit_evasion on feb-2026', async () => {
  const [on, off] = await pair('feb-2026', 0.001, { proxy_mixing: false, model_pivot: false, rate_limit_evasion: false });
  assert.ok(on.labels.some((l) => l.role === 'proxy_mixed'));
  assert.ok(!off.labels.some((l) => l.role === 'proxy_mixed'), 'proxy_mixing off: no mixed accounts');
  const man = off.manifest as { new_model: { name: string; released: string } };
  const rel = Date.parse(man.new_model.released);
  const isC = attackIds(off, 'feb-2026-c');
  const after = off.records.filter((x) => isC(x) && Date.parse(x.ts as string) >= rel + 24 * 3_600_000);
  assert.ok(after.filter((x) => x.model === man.new_model.name).length / after.length < 0.3, 'pivot off: no half-move');
  const status429 = (r: Run) => {
    const isAtk = attackIds(r);
    return r.records.filter((x) => isAtk(x) && x.status === 429).length;
  };
  assert.ok(status429(off) > status429(on), 'rate limits exceeded when evasion is off');
  // evasion on: no account exceeds its tier's hourly limit with attack traffic
  const perHour = new Map<string, number>();
  for (const x of on.records) if (on.byAccount.get(x.account_id as string)?.role === 'attacker') {
    const k = `${x.account_id}|${(x.ts as string).slice(0, 13)}`;
    perHour.set(k, (perHour.get(k) ?? 0) + 1);
  }
  assert.ok(Math.max(...perHour.values()) <= 40);
});

test('corpora are used when given', { skip: !existsSync(shared('corpora', 'benign_prompts.jsonl')) }, async () => {
  const r = await run({
    preset: 'reasoning-coercion',
    scale: 0.005,
    benignCorpus: [shared('corpora', 'benign_prompts.jsonl'), shared('corpora', 'sharegpt_conversations.jsonl')],
    templateCorpus: [shared('corpora', 'distillation_templates.jsonl'), shared('corpora', 'self_instruct_seed_tasks.jsonl')],
  });
  const corpus = new Set(readFileSync(shared('corpora', 'benign_prompts.jsonl'), 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { text: string }).text.trim().slice(0, 1200)));
  assert.ok(r.records.some((x) => corpus.has(userText(x))), 'no corpus prompt in the traffic');
  assert.deepEqual((r.manifest as { corpora: { benign: string[] } }).corpora.benign.length, 2);
});

test('bad options are reported clearly', async () => {
  const { dir, cleanup } = scratch();
  try {
    await assert.rejects(simulate({ preset: 'nope' as 'seed-2026', scale: 1, seed: 1, outDir: dir }), /unknown preset/);
    await assert.rejects(simulate({ preset: 'seed-2026', scale: 0, seed: 1, outDir: dir }), /scale/);
    await assert.rejects(simulate({ preset: 'seed-2026', scale: 0.001, seed: 1, outDir: dir, benignCorpus: ['/nonexistent.jsonl'] }), /cannot read corpus/);
  } finally {
    cleanup();
  }
});
