/** `distillguard analyze` and `distillguard train`. */
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_DB, Store } from '../../store/store.js';
import { analyzeStore, loadModel, writeResults, type AnalysisResult } from '../../detect/analyze.js';
import { GRAPH_NEIGHBOURS } from '../../detect/graph.js';
import { trainModel, type TrainingSet } from '../../detect/train.js';
import { trainOnline } from '../../stream/train-online.js';
import { EXIT, UserError } from '../errors.js';
import { int, table } from '../format.js';
import { ingestDefaults, runIngest, type IngestCliOptions } from './ingest.js';
import { ingestInputs, openStore } from '../store.js';
import { reportOptions, writeReportCli } from './report.js';

export function printAnalysis(r: AnalysisResult, outDir: string, w: (s: string) => void = (s) => process.stdout.write(s + '\n')): void {
  const by = (v: string) => r.accounts.filter((a) => a.verdict === v).length;
  w(`${int(r.accounts.length)} accounts: ${int(by('distillation'))} distillation, ${int(by('suspicious'))} suspicious, ${int(by('benign'))} benign`);
  w(
    `linkage graph: ${int(r.links)} links, ${int(r.graph.pairs)} linked pairs among ${int(r.graph.accounts)} accounts; ` +
      `Louvain on ${int(r.graph.edges)} edges (each account's ${GRAPH_NEIGHBOURS} strongest links): ${int(r.communities)} communities`,
  );
  const stages = Object.entries(r.timings).map(([k, ms]) => `${k.replace(/_ms$/, '')} ${(ms / 1000).toFixed(1)} s`);
  if (stages.length) w(`stages: ${stages.join(', ')}`);
  w(`${int(r.campaigns.length)} campaign(s)${r.campaigns.length ? ':' : ''}`);
  for (const c of r.campaigns) w(`  ${c.campaign_id} (score ${c.score.toFixed(2)}): ${c.summary}`);
  if (r.campaigns.length) {
    const t = table(
      r.campaigns.map((c) => [c.campaign_id, c.accounts, c.interactions, Object.keys(c.models).slice(0, 2).join(', '), c.indicators.ips.length, c.indicators.template_fingerprints.length]),
      ['campaign', 'accounts', 'interactions', 'models', 'shared IPs', 'wrappers'],
      '  ',
    );
    for (const line of t.split('\n')) w(line);
  }
  w(`results: ${join(outDir, 'accounts.jsonl')}, ${join(outDir, 'campaigns.json')}`);
}

interface AnalyzeOptions extends IngestCliOptions {
  out: string;
  model?: string;
  report: boolean;
  examples: string;
  exampleChars: string;
  redact: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Ingest logs (if given) and find distillation campaigns: signals, account features, linkage graph, communities, scores, campaigns.')
    .argument('[inputs...]', 'log files to ingest first (any format `ingest` reads); without them the store is analysed as it is')
    .option('--accounts <file...>', 'account records (JSONL)')
    .option('--db <file>', 'DuckDB store file', DEFAULT_DB)
    .option('--out <dir>', 'where to write accounts.jsonl and campaigns.json', 'out/analysis')
    .option('--model <file>', 'model file from `distillguard train` (default: the shipped models/default.json)')
    .option('--prompt-chars <n>', 'characters of prompt text kept per record', '2000')
    .option('--no-prompts', 'keep no prompt text (hashes and lengths only)')
    .option('--strict', 'exit with code 2 if any record is rejected', false)
    .option('--no-report', 'do not write report.md and report.html')
    .option('--examples <n>', 'example prompts per campaign in the report (0 = none)', '3')
    .option('--example-chars <n>', 'characters kept of each example prompt in the report', '300')
    .option('--no-redact', 'show example prompts in the report without redacting e-mail addresses, keys, long numbers and URLs')
    .addHelpText(
      'after',
      '\nWrites DIR/accounts.jsonl (every account: score, verdict, campaign, reasons) and DIR/campaigns.json (see docs/formats.md), and the campaign report DIR/report.md and DIR/report.html (docs/reports.md). Indicators imported with `stix import` are matched (signal intel.partner_match).',
    )
    .action(async (inputs: string[], o: AnalyzeOptions) => {
      let model;
      try {
        model = loadModel(o.model);
      } catch (e) {
        throw new UserError((e as Error).message);
      }
      const store = await openStore(o.db);
      try {
        const rejected = await ingestInputs(store, inputs, o, 'analyse');
        const ropts = o.report ? reportOptions(o) : null;
        const res = await analyzeStore(store, model);
        const out = resolve(o.out);
        await writeResults(store, res, out);
        printAnalysis(res, out);
        if (ropts) process.stdout.write(`report: ${(await writeReportCli(store, out, ['md', 'html'], ropts)).join(', ')}\n`);
        if (o.strict && rejected > 0) process.exitCode = EXIT.REJECTS;
      } finally {
        store.close();
      }
    });
}

/** Labels from a simulator labels.jsonl or analyst decisions: account -> campaign member. */
export function readLabels(path: string): Map<string, boolean> {
  const m = new Map<string, boolean>();
  let line = 0;
  for (const l of readFileSync(path, 'utf8').split('\n')) {
    line++;
    if (!l.trim()) continue;
    let v: { account_id?: unknown; campaign_id?: unknown; label?: unknown };
    try {
      v = JSON.parse(l);
    } catch {
      throw new UserError(`${path}:${line}: not JSON`);
    }
    if (typeof v.account_id !== 'string') throw new UserError(`${path}:${line}: no account_id`);
    const pos = typeof v.label === 'string' ? v.label === 'distillation' : v.campaign_id !== null && v.campaign_id !== undefined;
    m.set(v.account_id, pos);
  }
  return m;
}

/** A simulator output folder as a labelled store (ingested once into DIR/distillguard.duckdb). */
export async function simStore(dir: string): Promise<TrainingSet> {
  const labels = join(dir, 'labels.jsonl');
  if (!existsSync(labels)) throw new UserError(`${dir}: no labels.jsonl (expected a folder written by distillguard simulate)`);
  const db = join(dir, 'distillguard.duckdb');
  const store = await Store.open(db);
  const n = await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM interactions`);
  if (!Number(n?.n)) {
    await runIngest(
      [join(dir, 'interactions.jsonl.gz')],
      ingestDefaults(db, { accounts: [join(dir, 'accounts.jsonl')], rejects: join(dir, 'rejects.jsonl') }),
      store,
    );
  }
  return { name: basename(dir), store, labels: readLabels(labels) };
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Fit the scoring model from labelled data (simulator output folders, or a store with analyst labels) and write a versioned model file.')
    .option('--data <dirs...>', 'simulator output folders (interactions.jsonl.gz, accounts.jsonl, labels.jsonl)')
    .option('--db <file>', 'a store to train on with --labels (e.g. analyst decisions exported from the dashboard)')
    .option('--labels <file>', 'labels for --db: JSONL with account_id and campaign_id (null for benign) or label (distillation|benign)')
    .option('--out <file>', 'model file to write', 'models/model.json')
    .option('--fp-budget <rate>', 'benign false-positive budget for the distillation verdict', '0.0003')
    .option('--fp-suspicious <rate>', 'benign false-positive budget for the suspicious verdict', '0.005')
    .option('--no-online', "skip the streaming detector's model (fitted on replays of the training data, cut at each point where it scores an account)")
    .action(async (o: { data?: string[]; db?: string; labels?: string; out: string; fpBudget: string; fpSuspicious: string; online: boolean }) => {
      const sets: TrainingSet[] = [];
      try {
        for (const d of o.data ?? []) sets.push(await simStore(resolve(d)));
        if (o.db || o.labels) {
          if (!o.db || !o.labels) throw new UserError('--db and --labels go together', EXIT.USAGE);
          sets.push({ name: o.db, store: await Store.open(o.db), labels: readLabels(o.labels) });
        }
        if (sets.length === 0) throw new UserError('nothing to train on: give --data DIR... or --db FILE --labels FILE', EXIT.USAGE);
        const log = (s: string) => process.stdout.write(s + '\n');
        let model = await trainModel(sets, { fpDistillation: Number(o.fpBudget), fpSuspicious: Number(o.fpSuspicious), log });
        if (o.online) model = await trainOnline(sets, model, { fpDistillation: Number(o.fpBudget), log });
        mkdirSync(dirname(resolve(o.out)), { recursive: true });
        writeFileSync(o.out, JSON.stringify(model, null, 1) + '\n');
        process.stdout.write(`model written to ${o.out}\n`);
      } finally {
        for (const s of sets) s.store.close();
      }
    });
}
