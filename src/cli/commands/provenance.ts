/**
 * `distillguard provenance`: watermark keys, verification of suspect outputs, sample-size planning, and the
 * end-to-end demonstration. The method and its limits: docs/provenance.md.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, UserError } from '../errors.js';
import { runDemo } from '../../provenance/demo.js';
import { generateKey, readKey, writeKey, type WatermarkKey } from '../../provenance/key.js';
import { defaultLexicon } from '../../provenance/lexicon.js';
import { planOutputs } from '../../provenance/plan.js';
import { formatDemo, formatPlan, formatVerify } from '../../provenance/report.js';
import { readTexts } from '../../provenance/texts.js';
import { SiteTally } from '../../provenance/verify.js';

type Write = (text: string) => void;

function loadKey(path: string): WatermarkKey {
  try {
    return readKey(path);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

function loadTexts(path: string): string[] {
  try {
    return readTexts(path);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

function num(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < lo || x > hi) throw new UserError(`${name} must be a number in [${lo}, ${hi}], got "${v}"`, EXIT.USAGE);
  return x;
}

function int(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  const x = num(name, v, lo, hi);
  if (x !== undefined && !Number.isInteger(x)) throw new UserError(`${name} must be a whole number, got "${v}"`, EXIT.USAGE);
  return x;
}

/** Register `provenance` and its subcommands on `program`. `write` receives stdout (tests capture it). */
export function registerProvenance(program: Command, write: Write = (t) => void process.stdout.write(t)): void {
  const prov = program.command('provenance').description('Watermark served text and prove that a suspect model learned from it');

  prov
    .command('keygen')
    .description('Write a new random watermark key (JSON with id and secret; keep it secret)')
    .requiredOption('--out <file>', 'where to write the key (must not exist)')
    .action((opts: { out: string }) => {
      if (existsSync(opts.out)) throw new UserError(`${opts.out}: already exists; refusing to overwrite a key`);
      const key = generateKey();
      try {
        writeKey(opts.out, key);
      } catch (err) {
        throw new UserError(`${opts.out}: cannot write the key: ${(err as Error).message}`);
      }
      write(`key ${key.id} written to ${opts.out} (mode 600)\n`);
    });

  prov
    .command('verify')
    .description("Test suspect outputs for the watermark of a key: z-score and one-sided p-value")
    .requiredOption('--key <file>', 'watermark key file')
    .argument('<texts>', 'JSONL of suspect outputs (strings, {"text": ...} objects or response bodies)')
    .option('--json', 'print the JSON report')
    .action((textsPath: string, opts: { key: string; json?: boolean }) => {
      const key = loadKey(opts.key);
      const tally = new SiteTally();
      for (const t of loadTexts(textsPath)) tally.add(t);
      const r = tally.score(key);
      write(opts.json ? JSON.stringify(r, null, 2) + '\n' : formatVerify(r) + '\n');
    });

  prov
    .command('plan')
    .description('How many suspect outputs are needed to reach a target p-value')
    .requiredOption('--key <file>', 'watermark key file')
    .option('--target-p <p>', 'target one-sided p-value', '1e-6')
    .option('--hit-rate <r>', 'expected share of sites where the student uses the keyed choice', '0.65')
    .option('--texts <file>', 'sample outputs (JSONL) to measure distinct sites per output and the null rate')
    .option('--sites-per-output <n>', 'distinct sites per output (default: measured on --texts, else 1.5)')
    .option('--power <q>', 'probability of reaching the target at that hit rate', '0.95')
    .option('--json', 'print the plan as JSON')
    .action((opts: { key: string; targetP: string; hitRate: string; texts?: string; sitesPerOutput?: string; power: string; json?: boolean }) => {
      const key = loadKey(opts.key);
      const targetP = num('--target-p', opts.targetP, 1e-300, 0.5)!;
      const hitRate = num('--hit-rate', opts.hitRate, 0, 1)!;
      const power = num('--power', opts.power, 0.5, 0.9999)!;
      let sitesPerOutput = num('--sites-per-output', opts.sitesPerOutput, 0.001, 1e6);
      let nullRate: number;
      if (opts.texts !== undefined) {
        const tally = new SiteTally();
        const texts = loadTexts(opts.texts);
        if (texts.length === 0) throw new UserError(`${opts.texts}: no texts`);
        for (const t of texts) tally.add(t);
        sitesPerOutput ??= tally.sites / texts.length;
        nullRate = tally.nullRate();
      } else {
        // Null rate of a site whose word follows the natural weights: sum of squared weights, averaged over sets.
        const sets = defaultLexicon().sets;
        nullRate = sets.reduce((s, set) => s + set.weights.reduce((a, w) => a + w * w, 0), 0) / sets.length;
      }
      const plan = planOutputs({ targetP, hitRate, sitesPerOutput: sitesPerOutput ?? 1.5, nullRate, power });
      write(opts.json ? JSON.stringify({ keyId: key.id, ...plan }, null, 2) + '\n' : `key ${key.id}\n` + formatPlan(plan) + '\n');
    });

  prov
    .command('demo')
    .description('Harvest watermarked responses, train n-gram students with and without the mark, and verify')
    .option('--outputs <n>', 'suspect outputs per verification', '1000')
    .option('--seed <n>', 'random seed', '1')
    .option('--harvest <n>', 'responses harvested by the distiller (default 3000 generated, or all of --corpus)')
    .option('--corpus <file>', 'ShareGPT-style JSONL whose assistant turns are the served responses')
    .option('--human <file>', 'JSONL of human texts ("text" field) for the false-positive check (default: shared benign prompts)')
    .option('--trials <n>', 'false-positive trials per null case', '1000')
    .option('--order <n>', 'student n-gram order', '3')
    .option('--max-change-rate <r>', 'watermark budget: most words changed / words', '0.05')
    .option('--json', 'print the result as JSON')
    .action((opts: { outputs: string; seed: string; harvest?: string; corpus?: string; human?: string; trials: string; order: string; maxChangeRate: string; json?: boolean }) => {
      for (const [name, p] of [['--corpus', opts.corpus], ['--human', opts.human]] as const) if (p !== undefined && !existsSync(p)) throw new UserError(`${name}: ${p}: no such file`);
      const r = runDemo({
        outputs: int('--outputs', opts.outputs, 10, 100_000)!,
        seed: int('--seed', opts.seed, 0, 2 ** 31)!,
        harvest: int('--harvest', opts.harvest, 10, 1_000_000),
        corpus: opts.corpus,
        humanCorpus: opts.human,
        trials: int('--trials', opts.trials, 0, 100_000)!,
        order: int('--order', opts.order, 1, 8)!,
        maxChangeRate: num('--max-change-rate', opts.maxChangeRate, 0, 1)!,
        log: (l) => void process.stderr.write(l + '\n'),
      });
      write(opts.json ? JSON.stringify(r, null, 2) + '\n' : formatDemo(r) + '\n');
    });
}
