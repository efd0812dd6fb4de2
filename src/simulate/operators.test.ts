/** The operator seed: two data sets of the same operators (same wrappers, payment, infrastructure), other accounts and traffic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { scratch } from '../testutil/fixtures.js';
import { simulate } from './index.js';
import { World } from './world.js';

interface Out {
  dir: string;
  /** account id -> label role */
  role: Map<string, string>;
  payments: Set<string>;
  attackAccounts: Set<string>;
  /** System prompts of attacker traffic. */
  systems: Set<string>;
  benignPrompts: Set<string>;
}

function read(dir: string): Out {
  const jsonl = (f: string) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const role = new Map(jsonl('labels.jsonl').map((l) => [String(l.account_id), String(l.role)]));
  const attackAccounts = new Set([...role].filter(([, r]) => r === 'attacker').map(([a]) => a));
  const payments = new Set(jsonl('accounts.jsonl').filter((a) => attackAccounts.has(String(a.account_id)) && a.payment_fingerprint).map((a) => String(a.payment_fingerprint)));
  const systems = new Set<string>();
  const benignPrompts = new Set<string>();
  for (const line of gunzipSync(readFileSync(join(dir, 'interactions.jsonl.gz'))).toString('utf8').trimEnd().split('\n')) {
    const r = JSON.parse(line) as { account_id: string; request?: { system?: unknown; messages?: Array<{ role: string; content: unknown }> } };
    const sys = r.request?.system;
    if (attackAccounts.has(r.account_id) && typeof sys === 'string') systems.add(sys);
    if (role.get(r.account_id) === 'benign') benignPrompts.add(JSON.stringify(r.request?.messages ?? null));
  }
  return { dir, role, payments, attackAccounts, systems, benignPrompts };
}

test('operator seed: same operators across seeds (payment, system prompts), other accounts and traffic; default unchanged', async () => {
  const a = scratch();
  const b = scratch();
  const c = scratch();
  const d = scratch();
  try {
    const base = { preset: 'feb-2026' as const, scale: 0.0005, workers: 0 };
    await simulate({ ...base, seed: 11, operatorSeed: 5, outDir: a.dir });
    await simulate({ ...base, seed: 12, operatorSeed: 5, outDir: b.dir });
    await simulate({ ...base, seed: 11, outDir: c.dir });
    await simulate({ ...base, seed: 11, operatorSeed: 11, outDir: d.dir });
    const A = read(a.dir);
    const B = read(b.dir);
    const C = read(c.dir);
    assert.ok(A.payments.size > 0 && A.systems.size > 0, 'attackers have payment methods and system prompts');
    // The operators' identity is the same: wrappers, reasoning wordings, system prompts, networks, payment pools.
    const identity = (seed: number) =>
      new World({ preset: base.preset, scale: base.scale, seed, operatorSeed: 5 }).campaigns.map((c) => ({ w: c.wrappers, cot: c.cot, s: c.systems, ip: c.dcIps, r: c.residential.map((x) => x.asn), p: c.payments }));
    assert.deepEqual(identity(11), identity(12));
    // and shows in both data sets: shared payment methods and system prompts
    assert.ok([...A.payments].some((p) => B.payments.has(p)), 'same operators pay with the same methods');
    assert.ok([...A.systems].some((p) => B.systems.has(p)), 'same operators use the same system prompts');
    assert.equal([...A.attackAccounts].filter((x) => B.attackAccounts.has(x)).length, 0, 'the accounts are others');
    assert.ok([...A.benignPrompts].filter((x) => B.benignPrompts.has(x)).length < A.benignPrompts.size / 2, 'the legitimate traffic is other traffic');
    assert.ok(![...A.payments].some((p) => C.payments.has(p)), 'another operator seed gives other operators');
    // Without the option nothing changes: operator seed = seed gives the same bytes.
    assert.ok(readFileSync(join(c.dir, 'interactions.jsonl.gz')).equals(readFileSync(join(d.dir, 'interactions.jsonl.gz'))));
    assert.equal(readFileSync(join(c.dir, 'accounts.jsonl'), 'utf8'), readFileSync(join(d.dir, 'accounts.jsonl'), 'utf8'));
    assert.equal(JSON.parse(readFileSync(join(a.dir, 'manifest.json'), 'utf8')).operator_seed, 5);
  } finally {
    for (const s of [a, b, c, d]) s.cleanup();
  }
});
