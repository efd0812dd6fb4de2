/**
 * Round trip through the CLI: provider A analyses its traffic and exports a bundle; provider B, who sees the same
 * operators through other accounts, imports it, and its analysis names A as the source of the matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../simulate/index.js';
import { Store } from '../store/store.js';
import { ingest } from '../ingest/pipeline.js';
import { analyzeStore, loadModel, writeResults } from '../detect/analyze.js';
import { repoRoot, scratch } from '../testutil/fixtures.js';
import { StixSchemas } from './schema.js';
import { validateBundle } from './validate.js';

const bin = join(repoRoot(), 'dist', 'src', 'cli', 'bin.js');
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DISTILLGUARD_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function dataset(dir: string, seed: number, scale: number, operatorSeed?: number): Promise<{ db: string; labels: Map<string, string | null> }> {
  const sim = join(dir, `sim-${seed}`);
  await simulate({ preset: 'seed-2026', scale, seed, operatorSeed, outDir: sim, workers: 1 });
  const db = join(dir, `db-${seed}.duckdb`);
  const store = await Store.open(db);
  await ingest(store, { files: [join(sim, 'interactions.jsonl.gz')], accounts: [join(sim, 'accounts.jsonl')], tmpDir: dir });
  store.close();
  const labels = new Map(
    readFileSync(join(sim, 'labels.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { account_id: string; campaign_id: string | null })
      .map((l) => [l.account_id, l.campaign_id]),
  );
  return { db, labels };
}

async function analyse(db: string, out: string) {
  const store = await Store.open(db);
  try {
    const res = await analyzeStore(store, loadModel());
    await writeResults(store, res, out);
    return res;
  } finally {
    store.close();
  }
}

test('STIX round trip: export -> validate -> import at a partner -> the partner\'s analysis matches the same operators and names the source', async () => {
  const { dir, cleanup } = scratch('dg-stix-');
  try {
    const keyFile = join(dir, 'community.key');
    writeFileSync(keyFile, 'shared-secret-of-the-sharing-providers-0123\n');
    // Provider A
    const A = await dataset(dir, 31, 0.0005);
    const resA = await analyse(A.db, join(dir, 'out-a'));
    assert.ok(resA.campaigns.length >= 1, 'A finds the campaign');
    const cid = resA.campaigns[0]!.campaign_id;
    let r = cli(['stix', 'attribute', '--db', A.db, '--campaign', cid, '--actor', 'Operator S', '--type', 'competitor']);
    assert.equal(r.code, 0, r.err);
    const bundleFile = join(dir, 'bundle.json');
    r = cli(['stix', 'export', '--db', A.db, '--out', bundleFile, '--community-key', keyFile, '--provider', 'Provider A', '--tlp', 'amber+strict']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /indicators/);
    const first = readFileSync(bundleFile, 'utf8');
    r = cli(['stix', 'export', '--db', A.db, '--out', join(dir, 'again.json'), '--community-key', keyFile, '--provider', 'Provider A', '--tlp', 'amber+strict']);
    assert.equal(readFileSync(join(dir, 'again.json'), 'utf8'), first, 'the same campaign exports to the same bundle');
    const bundle = JSON.parse(first) as { objects: Array<Record<string, unknown>> };
    const { schemas } = StixSchemas.load();
    assert.deepEqual(validateBundle(bundle, schemas).errors, []);
    assert.equal(bundle.objects.filter((o) => o.type === 'threat-actor' && o.name === 'Operator S').length, 1);
    for (const p of readFileSync(join(dir, 'sim-31', 'accounts.jsonl'), 'utf8').matchAll(/"payment_fingerprint":"(fp_[A-Za-z0-9]+)"/g)) assert.ok(!first.includes(p[1]!), 'no raw payment fingerprint');
    if (schemas) assert.equal(cli(['stix', 'validate', bundleFile]).code, 0);

    // Provider B: the same operators (operator seed 31), other accounts and traffic.
    const B = await dataset(dir, 32, 0.0005, 31);
    r = cli(['stix', 'import', bundleFile, '--db', B.db, '--community-key', keyFile]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /from Provider A: \d+ indicators/);
    const resB = await analyse(B.db, join(dir, 'out-b'));
    const matched = resB.accounts.filter((a) => a.reasons.some((x) => x.signal === 'intel.partner_match'));
    const attackers = resB.accounts.filter((a) => B.labels.get(a.account_id));
    const attackersMatched = matched.filter((a) => B.labels.get(a.account_id));
    assert.ok(attackersMatched.length >= 0.8 * attackers.length, `partner matches ${attackersMatched.length} of ${attackers.length} campaign accounts`);
    // A legitimate account may share a generic wrapper skeleton with the campaign; it must stay rare and unflagged.
    const benignMatched = matched.filter((a) => !B.labels.get(a.account_id));
    assert.ok(benignMatched.length <= 0.02 * (resB.accounts.length - attackers.length), `${benignMatched.length} legitimate accounts match`);
    assert.ok(benignMatched.every((a) => a.verdict === 'benign'), 'a matching legitimate account is not flagged');
    for (const a of attackersMatched) {
      const reason = a.reasons.find((x) => x.signal === 'intel.partner_match')!;
      assert.match(reason.detail, /shared by Provider A/);
      assert.ok(reason.contribution > 0);
    }
    assert.deepEqual(resB.accounts.filter((a) => a.verdict === 'distillation' && !B.labels.get(a.account_id)).map((a) => a.account_id), [], 'no false positive');

    // Hostile input through the CLI: one clear message, exit 1, no stack trace.
    const bad = JSON.parse(first) as { objects: Array<Record<string, unknown>> };
    bad.objects.find((o) => o.type === 'indicator')!.pattern = "[ipv4-addr:value = 'x']";
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    r = cli(['stix', 'import', join(dir, 'bad.json'), '--db', B.db]);
    assert.equal(r.code, 1);
    assert.match(r.err, /is rejected:\n {2}- objects\[\d+\] \(indicator--.*invalid STIX pattern/);
    assert.doesNotMatch(r.err, /at .*\.js:\d+/);
    assert.equal(cli(['stix', 'export', '--db', A.db, '--out', join(dir, 'x.json'), '--tlp', 'purple']).code, 3);
  } finally {
    cleanup();
  }
});
