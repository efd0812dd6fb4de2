/**
 * `distillguard eval`: score a results folder (and optionally a replay's decisions) against the
 * simulator's labels. Prints a table, or the JSON report with --json; always writes the JSON report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { RESULT_FILES } from '../../model/results.js';
import { formatReport } from '../../eval/format.js';
import { loadEvalInput } from '../../eval/load.js';
import { runEval } from '../../eval/run.js';

interface EvalOptions {
  labels: string;
  results: string;
  decisions?: string;
  interactions?: string;
  truth?: string;
  json?: boolean;
  out?: string;
}

/** Register `eval` on `program`. `write` receives what goes to stdout (tests capture it). */
export function registerEval(program: Command, write: (text: string) => void = (t) => void process.stdout.write(t)): void {
  program
    .command('eval')
    .description('Score detection results (and a replay\'s decisions) against ground-truth labels')
    .requiredOption('--labels <file>', 'labels.jsonl from the simulator')
    .requiredOption('--results <dir>', 'results folder holding accounts.jsonl and campaigns.json')
    .option('--decisions <file>', 'decisions.jsonl of a streaming replay, for the online figures')
    .option('--interactions <file>', 'interactions file (JSONL, gzip or plain) to count what was served before blocks')
    .option('--truth <file>', 'campaigns_truth.json (default: beside the labels, if present)')
    .option('--json', 'print the JSON report on stdout instead of the table')
    .option('--out <file>', `where to write the JSON report (default: <results>/${RESULT_FILES.eval})`)
    .action(async (opts: EvalOptions) => {
      const input = await loadEvalInput(opts);
      const report = runEval(input);
      const json = JSON.stringify(report, null, 2) + '\n';
      const out = opts.out ?? join(opts.results, RESULT_FILES.eval);
      try {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, json);
      } catch (err) {
        throw new UserError(`${out}: cannot write the report: ${(err as Error).message}`);
      }
      write(opts.json ? json : formatReport(report) + `\nReport written to ${out}\n`);
    });
}
