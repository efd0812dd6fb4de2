/**
 * Online quality (a measurement, not a test): replays each evaluation set of bench/quality.ts through the streaming
 * detector and the policy, and evaluates the decisions: the share of each campaign's distillation interactions
 * served before its accounts were blocked, the share of its accounts blocked by the end, and how many benign
 * accounts were ever restricted. Reuses the simulated sets and batch results cached by bench/quality.ts (run it
 * first, or this script simulates and analyses what is missing).
 *
 *   node dist/bench/online.js [--scale 0.01] [--seeds 1,2,3] [--policy FILE] [--model FILE]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulate, PRESET_NAMES, type PresetName } from '../src/simulate/index.js';
import { analyzeStore, loadModel, writeResults } from '../src/detect/analyze.js';
import { simStore } from '../src/cli/commands/analyze.js';
import { loadEvalInput, runEval } from '../src/eval/index.js';
import { DEFAULT_POLICY, loadPolicy } from '../src/enforce/policy.js';
import { replayStore } from '../src/stream/replay.js';
import type { Decision } from '../src/model/results.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const scale = Number(arg('scale', '0.01'));
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const dir = resolve(arg('dir', 'bench/out/quality'));
const model = loadModel(process.argv.includes('--model') ? resolve(arg('model', '')) : undefined);
const policy = process.argv.includes('--policy') ? loadPolicy(arg('policy', '')) : DEFAULT_POLICY;
const log = (s: string) => process.stderr.write(s + '\n');
const scaleOf = (p: PresetName) => (p === 'reasoning-coercion' ? Math.min(1, scale * 10) : scale);
const pct = (x: number | null | undefined, k = 1) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(k)}%`);

const rows: string[] = [
  '| preset | seed | interactions | replay rate (/s) | campaign | accounts | leakage (served before block) | blocked at end | benign restricted (any look-alike group) |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const p of PRESET_NAMES) {
  for (const seed of seeds) {
    const d = join(dir, `${p}-${scaleOf(p)}-${seed}`);
    if (!existsSync(join(d, 'labels.jsonl'))) {
      log(`simulate ${p} scale ${scaleOf(p)} seed ${seed}`);
      await simulate({ preset: p, scale: scaleOf(p), seed, outDir: d });
    }
    const set = await simStore(d);
    const out = join(d, 'results');
    if (!existsSync(join(out, 'accounts.jsonl'))) await writeResults(set.store, await analyzeStore(set.store, model), out);
    const decisions: Decision[] = [];
    const s = await replayStore(set.store, model, policy, (x) => decisions.push(x));
    set.store.close();
    const online = join(d, 'online');
    mkdirSync(online, { recursive: true });
    writeFileSync(join(online, 'decisions.jsonl'), decisions.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const ev = runEval(await loadEvalInput({ labels: join(d, 'labels.jsonl'), results: out, decisions: join(online, 'decisions.jsonl') }));
    writeFileSync(join(online, 'eval.json'), JSON.stringify(ev, null, 2));
    const o = ev.online!;
    const worst = Object.values(o.benign_by_group).reduce((m, g) => Math.max(m, g.restricted_share ?? 0), 0);
    for (const c of o.campaigns) {
      rows.push(
        `| ${p} | ${seed} | ${s.interactions} | ${Math.round(s.interactions / (s.ms / 1000))} | ${c.campaign_id} | ${c.accounts} | ${pct(c.leakage, 2)} | ${c.blocked_at_end}/${c.accounts} | ${o.benign.restricted}/${o.benign.accounts} (worst group ${pct(worst, 2)}) |`,
      );
      log(rows[rows.length - 1]!);
    }
  }
}
const table = rows.join('\n') + '\n';
writeFileSync(join(dir, 'online.md'), table);
process.stdout.write(table);
