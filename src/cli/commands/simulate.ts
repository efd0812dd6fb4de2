/** `distillguard simulate`: write a deterministic, labelled synthetic data set of API traffic. */
import type { Command } from 'commander';
import { BEHAVIOURS, isBehaviour, onlyBehaviours, PRESET_NAMES, simulate, SimulateInputError, type Behaviour, type BehaviourSwitches, type PresetName, type SimulateSummary } from '../../simulate/index.js';
import { EXIT, UserError } from '../errors.js';
import { int, table } from '../format.js';
import { progressBar } from '../progress.js';

export interface SimulateCliOptions {
  preset: string;
  scale: string;
  seed: string;
  operatorSeed?: string;
  out: string;
  benignCorpus?: string[];
  templateCorpus?: string[];
  behaviours?: string;
  without?: string;
  start?: string;
  end?: string;
  workers?: string;
  gzipLevel?: string;
  json: boolean;
}

function behaviourList(flag: string, s: string): Behaviour[] {
  const out: Behaviour[] = [];
  for (const raw of s.split(',')) {
    const b = raw.trim();
    if (!b || b === 'none') continue;
    if (!isBehaviour(b)) throw new UserError(`${flag}: unknown behaviour "${b}" (known: ${BEHAVIOURS.join(', ')})`, EXIT.USAGE);
    out.push(b);
  }
  return out;
}

/** --behaviours LIST keeps only those on; --without LIST turns those off. */
export function behaviourSwitches(o: Pick<SimulateCliOptions, 'behaviours' | 'without'>): BehaviourSwitches | undefined {
  let sw: BehaviourSwitches | undefined;
  if (o.behaviours !== undefined) sw = onlyBehaviours(behaviourList('--behaviours', o.behaviours));
  if (o.without !== undefined) {
    sw = { ...(sw ?? {}) };
    for (const b of behaviourList('--without', o.without)) sw[b] = false;
  }
  return sw;
}

function num(flag: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && (!Number.isSafeInteger(n) || n < 0))) throw new UserError(`${flag}: expected ${integer ? 'a whole number ≥ 0' : 'a number'}, got "${v}"`, EXIT.USAGE);
  return n;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function formatSummary(s: SimulateSummary): string {
  const rows: Array<Array<string | number>> = [];
  for (const [k, v] of Object.entries(s.campaigns)) rows.push([`campaign ${k}`, int(v.accounts), int(v.interactions), int(v.distillation_interactions)]);
  for (const [k, v] of Object.entries(s.roles)) rows.push([`role ${k}`, int(v.accounts), int(v.interactions), int(v.distillation_interactions)]);
  for (const [k, v] of Object.entries(s.groups)) rows.push([`group ${k}`, int(v.accounts), int(v.interactions), '']);
  const bytes = Object.values(s.files).reduce((a, b) => a + b, 0);
  return [
    `${s.preset} x${s.scale} seed ${s.seed}: ${int(s.accounts)} accounts, ${int(s.interactions)} interactions (${int(s.distillation_interactions)} distillation), ${s.start.slice(0, 10)} to ${s.end.slice(0, 10)}`,
    table(rows, ['', 'accounts', 'interactions', 'distillation']),
    `wrote ${(bytes / 1e6).toFixed(1)} MB to ${s.outDir} (interactions: ${(s.files['interactions.jsonl.gz']! / 1e6).toFixed(1)} MB gzip, ${(s.raw_bytes / 1e6).toFixed(1)} MB raw) in ${s.seconds.toFixed(1)} s, ${int(s.interactions_per_second)} interactions/s`,
  ].join('\n');
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('Write a labelled synthetic data set: interactions.jsonl.gz, accounts.jsonl, labels.jsonl, campaigns_truth.json, manifest.json.')
    .requiredOption('--preset <name>', `reported campaign(s) to reproduce: ${PRESET_NAMES.join(', ')}`)
    .option('--scale <f>', 'size relative to the report (1 = reported size)', '0.01')
    .option('--seed <n>', 'PRNG seed (same seed, same bytes)', '1')
    .option('--operator-seed <n>', 'seed of the operators\' identity (wrappers, system prompts, IP pools, payment fingerprints; default: --seed): same operators, other accounts and traffic')
    .requiredOption('--out <dir>', 'output folder')
    .option('--benign-corpus <file>', 'real benign prompts / conversations (JSONL); repeatable', collect)
    .option('--template-corpus <file>', 'distillation templates or seed tasks (JSONL); repeatable', collect)
    .option('--behaviours <list>', `attacker behaviours to keep on, comma-separated (others off): ${BEHAVIOURS.join(', ')}`)
    .option('--without <list>', 'attacker behaviours to turn off, comma-separated')
    .option('--start <date>', 'override the window start (ISO date)')
    .option('--end <date>', 'override the window end (ISO date, exclusive)')
    .option('--workers <n>', 'worker threads (0 = none)')
    .option('--gzip-level <n>', 'gzip level of interactions.jsonl.gz, 0-9 (default 1; 0 = fastest, stored)')
    .option('--json', 'print the summary as JSON', false)
    .action(async (o: SimulateCliOptions) => {
      if (!(PRESET_NAMES as readonly string[]).includes(o.preset)) throw new UserError(`--preset: unknown preset "${o.preset}" (choose one of ${PRESET_NAMES.join(', ')})`, EXIT.USAGE);
      const scale = num('--scale', o.scale, false);
      const bar = progressBar('simulate', 'items');
      let s: SimulateSummary;
      try {
        s = await simulate({
          preset: o.preset as PresetName,
          scale,
          seed: num('--seed', o.seed, true),
          operatorSeed: o.operatorSeed === undefined ? undefined : num('--operator-seed', o.operatorSeed, true),
          outDir: o.out,
          benignCorpus: o.benignCorpus,
          templateCorpus: o.templateCorpus,
          behaviours: behaviourSwitches(o),
          start: o.start,
          end: o.end,
          workers: o.workers === undefined ? undefined : num('--workers', o.workers, true),
          gzipLevel: o.gzipLevel === undefined ? undefined : num('--gzip-level', o.gzipLevel, true),
          onProgress: (d, t) => bar.update(d, t),
        });
      } catch (err) {
        if (err instanceof SimulateInputError) throw new UserError(err.message);
        throw err;
      } finally {
        bar.stop();
      }
      process.stdout.write((o.json ? JSON.stringify(s, null, 2) : formatSummary(s)) + '\n');
    });
}
