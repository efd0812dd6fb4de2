import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../simulate/index.js';
import { Store } from '../store/store.js';
import { ingest } from '../ingest/pipeline.js';
import { ACCOUNT_FEATURES } from '../detect/features.js';
import { loadModel } from '../detect/analyze.js';
import { STAGE2_FEATURES } from '../detect/score.js';
import type { ModelFile } from '../detect/model.js';
import { scratch } from '../testutil/fixtures.js';
import { OnlineDetector } from './detector.js';
import { forEachInteraction, loadAccounts } from './read-store.js';
import { trainOnline } from './train-online.js';

test('the online model is fitted on scoring snapshots of each account, and the streaming detector uses it and its thresholds', async () => {
  const { dir, cleanup } = scratch();
  const sim = join(dir, 'sim');
  await simulate({ preset: 'seed-2026', scale: 0.001, seed: 12, outDir: sim });
  const store = await Store.open(join(dir, 'db.duckdb'));
  try {
    await ingest(store, { files: [join(sim, 'interactions.jsonl.gz')], accounts: [join(sim, 'accounts.jsonl')], tmpDir: dir });
    const labels = new Map<string, boolean>();
    for (const l of readFileSync(join(sim, 'labels.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as { account_id: string; campaign_id: string | null };
      labels.set(r.account_id, r.campaign_id !== null);
    }
    const base = loadModel();
    const logs: string[] = [];
    const model = await trainOnline([{ name: 'sim', store, labels }], base, { log: (s) => logs.push(s) });
    const online = model.online!;
    assert.ok(online, 'the model file carries an online model');
    assert.deepEqual(online.stage1.features, [...ACCOUNT_FEATURES]);
    assert.deepEqual(online.stage2.features, STAGE2_FEATURES);
    // The batch stages are untouched.
    assert.deepEqual(model.stage2, base.stage2);
    assert.ok(online.thresholds.suspicious <= online.thresholds.distillation && online.thresholds.distillation < 1);
    // Several snapshots per account: its first calls each, then a geometric schedule.
    assert.ok(Number(online.training.snapshots) > 2 * Number(online.training.accounts), JSON.stringify(online.training));
    assert.match(logs.join('\n'), /online stage 2: \d+ snapshots; thresholds distillation/);

    // The detector scores with the online stages and thresholds: thresholds at 0 flag every account, at 1 none.
    const flagged = async (m: ModelFile): Promise<number> => {
      const det = new OnlineDetector(m, await loadAccounts(store));
      const seen = new Set<string>();
      await forEachInteraction(store, (r) => {
        det.observe(r);
        seen.add(r.account_id);
      });
      return [...seen].filter((a) => det.verdict(a)?.verdict === 'distillation').length;
    };
    const withThreshold = (t: number): ModelFile => ({ ...model, online: { ...online, thresholds: { ...online.thresholds, distillation: t, suspicious: t } } });
    const accounts = new Set<string>();
    await forEachInteraction(store, (r) => void accounts.add(r.account_id));
    assert.equal(await flagged(withThreshold(0)), accounts.size);
    assert.equal(await flagged(withThreshold(1.01)), 0);
    // With its own thresholds, it finds campaign accounts and few benign ones on the data it was fitted on.
    const det = new OnlineDetector(model, await loadAccounts(store));
    await forEachInteraction(store, (r) => det.observe(r));
    let tp = 0;
    let fp = 0;
    let neg = 0;
    for (const [a, y] of labels) {
      const v = det.verdict(a)?.verdict === 'distillation';
      if (y && v) tp++;
      if (!y) neg++;
      if (!y && v) fp++;
    }
    const pos = [...labels.values()].filter(Boolean).length;
    assert.ok(tp >= 0.9 * pos, `${tp}/${pos} campaign accounts flagged`);
    assert.ok(fp <= Math.max(1, 0.01 * neg), `${fp}/${neg} benign accounts flagged`);
  } finally {
    store.close();
    cleanup();
  }
});
