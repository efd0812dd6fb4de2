/** `distillguard replay`: the streaming detector over logs in timestamp order, writing decisions.jsonl. */
import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DEFAULT_DB } from '../../store/store.js';
import { loadModel } from '../../detect/analyze.js';
import { DEFAULT_POLICY, loadPolicy, type Policy } from '../../enforce/policy.js';
import { replayStore } from '../../stream/replay.js';
import type { Decision } from '../../model/results.js';
import { EXIT, UserError } from '../errors.js';
import { int } from '../format.js';
import type { IngestCliOptions } from './ingest.js';
import { ingestInputs, openStore } from '../store.js';

interface ReplayOptions extends IngestCliOptions {
  out: string;
  model?: string;
  policy?: string;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('Run the streaming detector and the policy over logs in timestamp order, as the gateway would, deciding each interaction only from what came before it.')
    .argument('[inputs...]', 'log files to ingest first (any format `ingest` reads); without them the store is replayed as it is')
    .option('--accounts <file...>', 'account records (JSONL)')
    .option('--db <file>', 'DuckDB store file', DEFAULT_DB)
    .requiredOption('--out <file>', 'decisions file to write (JSONL: a line whenever an account\'s action changes)')
    .option('--policy <file>', 'policy file (default: the built-in default policy; see docs/gateway.md)')
    .option('--model <file>', 'model file (default: the shipped models/default.json)')
    .option('--prompt-chars <n>', 'characters of prompt text kept per record', '2000')
    .option('--no-prompts', 'keep no prompt text (hashes and lengths only)')
    .option('--strict', 'exit with code 2 if any record is rejected', false)
    .addHelpText(
      'after',
      '\nEach line of the decisions file: {ts, account_id, action, score, campaign_id, reasons, served_before} with action one of\nallow, flag, watermark, throttle, degrade, challenge, block. `distillguard eval --decisions FILE` measures it.',
    )
    .action(async (inputs: string[], o: ReplayOptions) => {
      let model;
      let policy: Policy;
      try {
        model = loadModel(o.model);
        policy = o.policy ? loadPolicy(o.policy) : DEFAULT_POLICY;
      } catch (e) {
        throw new UserError((e as Error).message);
      }
      const store = await openStore(o.db);
      try {
        const rejected = await ingestInputs(store, inputs, o, 'replay');
        const out = createWriteStream(o.out);
        const failed = new Promise<never>((_, j) => out.on('error', (e) => j(new UserError(`cannot write ${o.out}: ${e.message}`))));
        failed.catch(() => {});
        let pending: Promise<unknown> | null = null;
        const lines: string[] = [];
        const emit = (d: Decision) => {
          lines.push(JSON.stringify(d));
          if (lines.length >= 1024) {
            if (!out.write(lines.join('\n') + '\n')) pending = once(out, 'drain');
            lines.length = 0;
          }
        };
        const s = await replayStore(store, model, policy, emit);
        if (pending) await Promise.race([pending, failed]);
        if (lines.length) out.write(lines.join('\n') + '\n');
        await Promise.race([new Promise<void>((r) => out.end(() => r())), failed]);
        const rate = s.interactions / (s.ms / 1000);
        process.stdout.write(
          `replayed ${int(s.interactions)} interactions of ${int(s.accounts)} accounts in ${(s.ms / 1000).toFixed(1)} s (${int(rate)}/s); ${int(s.decisions)} decisions -> ${o.out}\n`,
        );
        const acts = Object.entries(s.byAction).sort((a, b) => b[1] - a[1]);
        process.stdout.write(`interactions by action (policy mode ${policy.mode}): ${acts.map(([a, k]) => `${a} ${int(k)}`).join(', ')}\n`);
        if (o.strict && rejected > 0) process.exitCode = EXIT.REJECTS;
      } finally {
        store.close();
      }
    });
}
