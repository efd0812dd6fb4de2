/**
 * `distillguard demo`: the main job end to end on the embedded default. Simulates a small labelled `seed-2026`
 * (attackers and legitimate look-alikes), ingests it into a DuckDB file, analyses it with the shipped model, prints
 * the campaigns found and how they compare with the simulator's labels.
 */
import type { Command } from 'commander';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulate } from '../../simulate/index.js';
import { Store } from '../../store/store.js';
import { day, int, table } from '../format.js';
import { ingestDefaults, printIngestReport, runIngest } from './ingest.js';
import { progressBar } from '../progress.js';
import { analyzeStore, loadModel, writeResults } from '../../detect/analyze.js';
import { printAnalysis } from './analyze.js';
import { loadEvalInput, runEval } from '../../eval/index.js';

export interface DemoOptions {
  out: string;
  scale: string;
  seed: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the main job end to end on a small simulated data set: simulate, ingest, analyse, and print the campaigns found.')
    .option('--out <dir>', 'working folder (replaced)', 'out/demo')
    .option('--scale <f>', 'simulator scale (1 = the reported campaign size)', '0.001')
    .option('--seed <n>', 'simulator seed', '2026')
    .action(async (o: DemoOptions) => {
      const out = resolve(o.out);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const w = (s: string) => process.stdout.write(s + '\n');

      w(`1. simulate seed-2026 at scale ${o.scale} (seed ${o.seed}) into ${out}/sim`);
      const bar = progressBar('simulate', 'items');
      const sim = await simulate({
        preset: 'seed-2026',
        scale: Number(o.scale),
        seed: Number(o.seed),
        outDir: join(out, 'sim'),
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      w(
        `   ${int(sim.interactions)} interactions, ${int(sim.accounts)} accounts (${int(sim.roles.attacker?.accounts ?? 0)} attacker, ` +
          `${int(sim.roles.proxy_mixed?.accounts ?? 0)} mixed proxy), ${sim.start.slice(0, 10)} to ${sim.end.slice(0, 10)}, in ${sim.seconds.toFixed(1)} s`,
      );

      w(`\n2. ingest into ${out}/distillguard.duckdb`);
      const db = join(out, 'distillguard.duckdb');
      const store = await Store.open(db);
      try {
        const r = await runIngest(
          [join(out, 'sim', 'interactions.jsonl.gz')],
          ingestDefaults(db, { accounts: [join(out, 'sim', 'accounts.jsonl')] }),
          store,
        );
        printIngestReport(r);

        w('\n3. analyse: signals, account features, linkage graph, communities, scores, campaigns');
        const res = await analyzeStore(store, loadModel());
        const outDir = join(out, 'analysis');
        await writeResults(store, res, outDir);
        printAnalysis(res, outDir, (s) => w('   ' + s));
        const labels = join(out, 'sim', 'labels.jsonl');
        const ev = runEval(await loadEvalInput({ labels, results: outDir }));
        const a = ev.accounts.strict;
        const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
        w(`   against the simulator's labels: precision ${pct(a.precision)}, recall ${pct(a.recall)}, benign false-positive rate ${pct(a.fpr)}`);
        for (const m of ev.campaigns.matches) {
          w(`   true campaign ${m.campaign_id}: found as ${m.best_match ?? 'nothing'} (Jaccard ${m.jaccard.toFixed(3)})`);
        }

        w('\n4. what the store holds');
        const s = await store.summary();
        w(`   ${int(s.interactions)} interactions from ${int(s.accountsSeen)} accounts, ${day(s.firstTs)} to ${day(s.lastTs)}`);
        w(`   ${int(s.ips)} client IPs; ${int(s.reasoningRequested)} calls asked for reasoning; ${int(s.withTools)} sent tool definitions`);
        w(table(Object.entries(s.byApi).map(([k, v]) => [k, v]), ['API', 'calls'], '   '));
        w(table(Object.entries(s.topModels).map(([k, v]) => [k, v]), ['model', 'calls'], '   '));
      } finally {
        store.close();
      }
    });
}
