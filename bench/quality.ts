/**
 * Detection quality (a measurement, not a test): trains the model on simulator seeds, then analyses and evaluates
 * other seeds of every preset, and prints a markdown table for docs/quality.md.
 *
 *   node dist/bench/quality.js [--scale 0.01] [--seeds 1,2,3] [--train-seeds 101,102] [--dir bench/out/quality]
 *                              [--model FILE] (skip training and use this model)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulate, PRESET_NAMES, type PresetName } from '../src/simulate/index.js';
import { analyzeStore, loadModel, writeResults } from '../src/detect/analyze.js';
import { trainModel } from '../src/detect/train.js';
import { trainOnline } from '../src/stream/train-online.js';
import { simStore } from '../src/cli/commands/analyze.js';
import { loadEvalInput, runEval } from '../src/eval/index.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const scale = Number(arg('scale', '0.01'));
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const trainSeeds = arg('train-seeds', '101,102').split(',').map(Number);
const dir = resolve(arg('dir', 'bench/out/quality'));
mkdirSync(dir, { recursive: true });
const log = (s: string) => process.stderr.write(s + '\n');

// reasoning-coercion is small at any scale: give it 10x so that it has more than a handful of accounts.
const scaleOf = (p: PresetName) => (p === 'reasoning-coercion' ? Math.min(1, scale * 10) : scale);

async function sim(p: PresetName, seed: number): Promise<string> {
  const out = join(dir, `${p}-${scaleOf(p)}-${seed}`);
  if (!existsSync(join(out, 'labels.jsonl'))) {
    log(`simulate ${p} scale ${scaleOf(p)} seed ${seed}`);
    await simulate({ preset: p, scale: scaleOf(p), seed, outDir: out });
  }
  return out;
}

let modelPath = process.argv.includes('--model') ? resolve(arg('model', '')) : join(dir, 'model.json');
if (!process.argv.includes('--model')) {
  const sets = [];
  for (const p of PRESET_NAMES) for (const s of trainSeeds) sets.push(await simStore(await sim(p, s)));
  const model = await trainOnline(sets, await trainModel(sets, { log }), { log });
  for (const s of sets) s.store.close();
  writeFileSync(modelPath, JSON.stringify(model, null, 1) + '\n');
  modelPath = resolve(modelPath);
}
const model = loadModel(modelPath);

const rows: string[] = [];
rows.push('| preset | seed | accounts (campaign) | precision | recall | benign FPR | worst look-alike FPR | campaigns: Jaccard (min) | interactions error (max abs) | top-2 capabilities right | seconds |');
rows.push('|---|---|---|---|---|---|---|---|---|---|---|');
for (const p of PRESET_NAMES) {
  for (const seed of seeds) {
    const d = await sim(p, seed);
    const t0 = performance.now();
    const set = await simStore(d);
    const res = await analyzeStore(set.store, model);
    const out = join(d, 'results');
    await writeResults(set.store, res, out);
    set.store.close();
    const secs = (performance.now() - t0) / 1000;
    const input = await loadEvalInput({ labels: join(d, 'labels.jsonl'), results: out });
    const ev = runEval(input);
    writeFileSync(join(out, 'eval.json'), JSON.stringify(ev, null, 2));
    const a = ev.accounts.strict;
    const groups = Object.entries(a.fpr_by_group).filter(([g]) => g !== 'ordinary');
    const worst = groups.reduce((m, [, g]) => Math.max(m, g.fpr ?? 0), 0);
    const camps = ev.campaigns.matches;
    const jac = Math.min(...camps.map((c) => c.jaccard));
    const err = Math.max(...camps.map((c) => Math.abs(c.interactions_rel_error ?? 1)));
    const caps = camps.filter((c) => c.top2_match).length;
    const pct = (x: number | null | undefined, k = 2) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(k)}%`);
    rows.push(
      `| ${p} | ${seed} | ${ev.accounts.labelled} (${ev.accounts.positives}) | ${pct(a.precision)} | ${pct(a.recall)} | ${pct(a.fpr, 3)} | ${pct(worst, 2)} | ${jac.toFixed(3)} | ${pct(err, 1)} | ${caps}/${camps.length} | ${secs.toFixed(0)} |`,
    );
    log(rows[rows.length - 1]!);
  }
}
const table = rows.join('\n') + '\n';
writeFileSync(join(dir, 'quality.md'), table);
process.stdout.write(table);
