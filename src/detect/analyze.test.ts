/** Batch detection end to end on a small simulated data set: outputs follow their schemas, attackers are found. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../simulate/index.js';
import { Store } from '../store/store.js';
import { ingest } from '../ingest/pipeline.js';
import { analyzeStore, loadModel, writeResults } from './analyze.js';
import { AccountResultSchema, CampaignResultsSchema } from '../model/results.js';
import { AccountLabelSchema } from '../model/labels.js';
import { scratch } from '../testutil/fixtures.js';

test('analyze: every account gets a schema-valid verdict with reasons; the campaign is found; look-alikes are left alone', async () => {
  const { dir, cleanup } = scratch();
  try {
    const sim = join(dir, 'sim');
    await simulate({ preset: 'seed-2026', scale: 0.001, seed: 7, outDir: sim });
    const store = await Store.open(join(dir, 'db.duckdb'));
    await ingest(store, { files: [join(sim, 'interactions.jsonl.gz')], accounts: [join(sim, 'accounts.jsonl')], tmpDir: dir });
    const res = await analyzeStore(store, loadModel());
    const out = join(dir, 'out');
    await writeResults(store, res, out);
    store.close();

    const accounts = readFileSync(join(out, 'accounts.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => AccountResultSchema.parse(JSON.parse(l)));
    const campaigns = CampaignResultsSchema.parse(JSON.parse(readFileSync(join(out, 'campaigns.json'), 'utf8')));
    const labels = readFileSync(join(sim, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => AccountLabelSchema.parse(JSON.parse(l)));
    const seen = new Set(accounts.map((a) => a.account_id));
    const active = labels.filter((l) => seen.has(l.account_id));
    assert.equal(accounts.length, active.length, 'one line per account seen');
    for (const a of accounts) assert.ok(a.reasons.length > 0 || a.verdict === 'benign', `${a.account_id} has reasons`);

    const verdict = new Map(accounts.map((a) => [a.account_id, a.verdict]));
    const attackers = active.filter((l) => l.campaign_id !== null);
    const benign = active.filter((l) => l.campaign_id === null);
    const caught = attackers.filter((l) => verdict.get(l.account_id) === 'distillation').length;
    const falsePos = benign.filter((l) => verdict.get(l.account_id) === 'distillation');
    assert.ok(caught / attackers.length >= 0.9, `recall ${caught}/${attackers.length}`);
    assert.deepEqual(
      falsePos.map((l) => `${l.account_id} (${l.group})`),
      [],
      'no legitimate look-alike is called distillation',
    );
    assert.equal(campaigns.length, 1, 'one campaign');
    const members = new Set(campaigns[0]!.account_ids);
    const truth = new Set(attackers.map((l) => l.account_id));
    const inter = [...members].filter((a) => truth.has(a)).length;
    assert.ok(inter / (members.size + truth.size - inter) >= 0.9, 'the campaign is the true one');
    assert.match(campaigns[0]!.summary, /interactions through \d+ accounts between .* targeting /);
  } finally {
    cleanup();
  }
});
