/** The `distillguard` command line. Each command lives in src/cli/commands/<name>.ts and registers itself here. */
import { Command, CommanderError } from 'commander';
import { EXIT, UserError } from './errors.js';
import { registerIngest } from './commands/ingest.js';
import { registerEval } from './commands/eval.js';
import { registerSimulate } from './commands/simulate.js';
import { registerDemo } from './commands/demo.js';
import { registerAnalyze, registerTrain } from './commands/analyze.js';
import { registerGateway } from './commands/gateway.js';
import { registerProvenance } from './commands/provenance.js';
import { registerReport } from './commands/report.js';
import { registerStix } from './commands/stix.js';
import { registerServe } from './commands/serve.js';
import { registerLabels } from './commands/labels.js';
import { registerReplay } from './commands/replay.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('distillguard')
    .description('Find, stop, report and prove distillation attacks on an LLM API.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerDemo(program);
  registerSimulate(program);
  registerIngest(program);
  registerAnalyze(program);
  registerTrain(program);
  registerReport(program);
  registerStix(program);
  registerEval(program);
  registerReplay(program);
  registerGateway(program);
  registerProvenance(program);
  registerServe(program);
  registerLabels(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    if (err instanceof UserError) {
      process.stderr.write(`distillguard: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`distillguard: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.DISTILLGUARD_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    else process.stderr.write('(set DISTILLGUARD_DEBUG=1 for details)\n');
    return EXIT.INTERNAL;
  }
}
