/**
 * Partner intelligence, measured with the evaluation harness (a measurement, not a test; docs/reports.md).
 *
 * Provider A analyses a seed-2026 data set and exports its campaign as a STIX bundle (keyed hashes under a community
 * key). Provider B sees the same operators (simulator --operator-seed = A's seed) through other accounts and other
 * traffic. B runs the batch detector on a schedule from the moment the campaign reaches it (every 3 to 12 hours over
 * the first three days, then daily for two weeks), ingesting what arrived since the last run, and blocks every account
 * a run calls distillation. Two arms: B alone, and B after importing A's bundle. Each arm's blocks are written as
 * decisions.jsonl, and `distillguard eval` (runEval) measures leakage (distillation calls served before the block),
 * time to detection, recall and the harm to legitimate accounts, against the simulator's labels.
 *
 *   node dist/bench/intel.js [--scale 0.002] [--seed-a 2026] [--seed-b 7] [--dir bench/out/intel]
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { simulate } from '../src/simulate/index.js';
import { Store } from '../src/store/store.js';
import { ingest } from '../src/ingest/pipeline.js';
import { analyzeStore, loadModel, writeResults } from '../src/detect/analyze.js';
import { loadCampaigns } from '../src/report/load.js';
import { collectIntel } from '../src/stix/collect.js';
import { buildBundle } from '../src/stix/export.js';
import { communityKey } from '../src/stix/keys.js';
import { importBundle } from '../src/stix/import.js';
import { StixSchemas } from '../src/stix/schema.js';
import { loadEvalInput, runEval } from '../src/eval/index.js';
import type { Decision } from '../src/model/results.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const scale = Number(arg('scale', '0.002'));
const seedA = Number(arg('seed-a', '2026'));
const seedB = Number(arg('seed-b', '7'));
const dir = resolve(arg('dir', 'bench/out/intel'));
const log = (s: string) => process.stderr.write(s + '\n');
mkdirSync(dir, { recursive: true });
const model = loadModel();
const key = communityKey(Buffer.from('bench community key: shared by provider A and provider B'));

async function sim(seed: number, operatorSeed?: number): Promise<string> {
  const out = join(dir, `sim-${seed}${operatorSeed === undefined ? '' : `-op${operatorSeed}`}-${scale}`);
  if (!existsSync(join(out, 'labels.jsonl'))) {
    log(`simulate seed-2026 scale ${scale} seed ${seed}${operatorSeed === undefined ? '' : ` operator seed ${operatorSeed}`}`);
    await simulate({ preset: 'seed-2026', scale, seed, operatorSeed, outDir: out });
  }
  return out;
}

// Provider A: analyse and export.
const simA = await sim(seedA);
const bundleFile = join(dir, 'bundle-a.json');
{
  const db = join(dir, `a-${seedA}-${scale}.duckdb`);
  rmSync(db, { force: true });
  const store = await Store.open(db);
  await ingest(store, { files: [join(simA, 'interactions.jsonl.gz')], accounts: [join(simA, 'accounts.jsonl')], tmpDir: dir });
  const res = await analyzeStore(store, model);
  await writeResults(store, res, join(dir, 'results-a'));
  const campaigns = await loadCampaigns(store);
  const { bundle, counts } = buildBundle(await collectIntel(store, campaigns), { provider: 'Provider A', tlp: 'amber', key, attribution: new Map() });
  store.close();
  writeFileSync(bundleFile, JSON.stringify(bundle, null, 1));
  log(`provider A: ${campaigns.length} campaign(s), bundle of ${bundle.objects.length} objects (${counts.indicator ?? 0} indicators)`);
}

// Provider B: the same operators, other accounts and traffic.
const simB = await sim(seedB, seedA);
const labelsB = readFileSync(join(simB, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { account_id: string; campaign_id: string | null });
const campaignAccounts = new Set(labelsB.filter((l) => l.campaign_id).map((l) => l.account_id));
const truth = JSON.parse(readFileSync(join(simB, 'campaigns_truth.json'), 'utf8')) as Array<{ first_seen: string; last_seen: string }>;
const start = Math.min(...truth.map((t) => Date.parse(t.first_seen)));
const end = Math.max(...truth.map((t) => Date.parse(t.last_seen)));
const H = 3_600_000;
const runs = [3, 6, 9, 12, 18, 24, 36, 48, 60, 72, ...Array.from({ length: 11 }, (_, i) => 96 + 24 * i)].map((h) => start + h * H).filter((t) => t <= end);

// Cut B's interactions (sorted by time) into the slices that arrive between runs.
const sliceDir = join(dir, `slices-${seedB}-${scale}`);
if (!existsSync(join(sliceDir, 'done'))) {
  mkdirSync(sliceDir, { recursive: true });
  let k = 0;
  let gz = createGzip();
  let file = createWriteStream(join(sliceDir, `0.jsonl.gz`));
  gz.pipe(file);
  for await (const line of createInterface({ input: createReadStream(join(simB, 'interactions.jsonl.gz')).pipe(createGunzip()) })) {
    const ts = Date.parse((JSON.parse(line) as { ts: string }).ts);
    while (k < runs.length && ts >= runs[k]!) {
      gz.end();
      await once(file, 'finish');
      k++;
      gz = createGzip();
      file = createWriteStream(join(sliceDir, `${k}.jsonl.gz`));
      gz.pipe(file);
    }
    if (!gz.write(line + '\n')) await once(gz, 'drain');
  }
  gz.end();
  await once(file, 'finish');
  writeFileSync(join(sliceDir, 'done'), '');
}
const accountsB = readFileSync(join(simB, 'accounts.jsonl'), 'utf8').trim().split('\n');
const createdAt = (l: string) => Date.parse((JSON.parse(l) as { created_at: string }).created_at);

interface Arm {
  name: string;
  store: Store;
  blocked: Map<string, Decision>;
  curve: string[];
}
const { schemas } = StixSchemas.load();
const arms: Arm[] = [];
for (const name of ['alone', 'with-partner-bundle']) {
  const db = join(dir, `b-${name}.duckdb`);
  rmSync(db, { force: true });
  const store = await Store.open(db);
  if (name !== 'alone') {
    const r = await importBundle(store, JSON.parse(readFileSync(bundleFile, 'utf8')), bundleFile, schemas, key);
    log(`provider B imports ${r.indicators} indicators from ${r.sources.join(', ')}`);
  }
  arms.push({ name, store, blocked: new Map(), curve: [] });
}

for (let k = 0; k < runs.length; k++) {
  const t = runs[k]!;
  const acc = join(sliceDir, `accounts-${k}.jsonl`);
  writeFileSync(acc, accountsB.filter((l) => createdAt(l) < t).join('\n') + '\n');
  for (const arm of arms) {
    await ingest(arm.store, { files: [join(sliceDir, `${k}.jsonl.gz`)], accounts: [acc], tmpDir: dir });
    const res = await analyzeStore(arm.store, model);
    const active = res.accounts.filter((a) => campaignAccounts.has(a.account_id));
    for (const a of res.accounts)
      if (a.verdict === 'distillation' && !arm.blocked.has(a.account_id))
        arm.blocked.set(a.account_id, { ts: new Date(t).toISOString(), account_id: a.account_id, action: 'block', score: a.score, campaign_id: a.campaign_id, reasons: a.reasons.slice(0, 3) });
    const flagged = active.filter((a) => arm.blocked.has(a.account_id)).length;
    arm.curve.push(`${((t - start) / H).toFixed(0)}h: ${flagged}/${active.length}`);
    if (k === runs.length - 1) await writeResults(arm.store, res, join(dir, `results-b-${arm.name}`));
  }
  log(`run ${k + 1}/${runs.length} at +${((t - start) / H).toFixed(0)}h: ${arms.map((a) => `${a.name} ${a.curve.at(-1)}`).join(', ')}`);
}

const pct = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(d)}%`);
const rows = ['| provider B | campaign accounts blocked by the last run | distillation calls served before the block (leakage) | time to detection | legitimate accounts blocked | campaign accounts blocked within 12 h / 24 h |', '|---|---|---|---|---|---|'];
for (const arm of arms) {
  arm.store.close();
  const decisions = join(dir, `decisions-${arm.name}.jsonl`);
  writeFileSync(decisions, [...arm.blocked.values()].map((d) => JSON.stringify(d)).join('\n') + '\n');
  const results = join(dir, `results-b-${arm.name}`);
  const ev = runEval(await loadEvalInput({ labels: join(simB, 'labels.jsonl'), results, decisions, interactions: join(simB, 'interactions.jsonl.gz') }));
  writeFileSync(join(results, 'eval.json'), JSON.stringify(ev, null, 2));
  const c = ev.online!.campaigns[0]!;
  const by = (h: number) => [...arm.blocked.values()].filter((d) => campaignAccounts.has(d.account_id) && Date.parse(d.ts) <= start + h * H).length;
  rows.push(
    `| ${arm.name} | ${c.blocked_at_end}/${c.accounts} | ${c.leaked_interactions ?? '-'} of ${c.distillation_interactions} (${pct(c.leakage)}) | ${c.time_to_detection_s === null ? '-' : `${(c.time_to_detection_s / 3600).toFixed(1)} h`} | ${ev.online!.benign.restricted} of ${ev.online!.benign.accounts} | ${by(12)} / ${by(24)} |`,
  );
  log(`${arm.name}: ${arm.curve.join(', ')}`);
  log(`  distillguard eval --labels ${join(simB, 'labels.jsonl')} --results ${results} --decisions ${decisions} --interactions ${join(simB, 'interactions.jsonl.gz')}`);
}
process.stdout.write(`seed-2026, scale ${scale}: provider A seed ${seedA}, provider B seed ${seedB} (operator seed ${seedA}); ${runs.length} batch runs\n\n${rows.join('\n')}\n`);
