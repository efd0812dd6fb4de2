/**
 * `distillguard gateway`: the enforcement reverse proxy; `distillguard mock-upstream`: a mock LLM API for tests
 * and benchmarks. Both run until SIGINT/SIGTERM; the gateway then finishes calls in flight (up to 10 s) and
 * flushes its logs. SIGHUP reloads the policy file.
 */
import type { Command } from 'commander';
import { EXIT, UserError } from '../errors.js';
import type { BudgetStore } from '../../enforce/budget.js';
import { MemoryBudget } from '../../enforce/budget.js';
import { Gateway } from '../../enforce/gateway.js';
import { loadKeys } from '../../enforce/identity.js';
import { JsonlWriter } from '../../enforce/log.js';
import { MockUpstream } from '../../enforce/mock-upstream.js';
import { DEFAULT_POLICY, loadPolicy, type Policy } from '../../enforce/policy.js';
import { RedisBudget } from '../../enforce/redis-budget.js';
import { Sealer } from '../../enforce/seal.js';
import { StaticVerdicts, type VerdictSource } from '../../enforce/verdicts.js';
import { loadModel } from '../../detect/analyze.js';
import { OnlineDetector } from '../../stream/detector.js';
import { DetectorThread } from '../../stream/detector-thread.js';
import { CombinedVerdicts } from '../../stream/combined.js';
import { readAccountFile } from '../../stream/accounts-file.js';
import { setWatermarkKey, watermarkKeyProblem } from '../../enforce/watermark.js';
import { readKey } from '../../provenance/key.js';

interface GatewayCliOptions {
  upstream: string;
  port: string;
  host: string;
  policy?: string;
  keys?: string;
  redis?: string;
  redisFail: string;
  redisTimeout: string;
  log?: string;
  decisions?: string;
  verdicts?: string;
  detector: boolean;
  detectorThread: boolean;
  model?: string;
  accounts?: string[];
  identityHeader?: string;
  trustForwarded?: boolean;
  maxBody: string;
  upstreamTimeout: string;
  watermarkKey?: string;
}

function int(name: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${name}: expected an integer >= ${min}, got "${v}"`, EXIT.USAGE);
  return n;
}

/** Runs `fn`, turning its Error into a UserError (bad files are the user's to fix). */
function userFile<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** Resolves on SIGINT / SIGTERM (once). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const log = (msg: string) => void process.stderr.write(`distillguard gateway: ${msg}\n`);

export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('Run the enforcement gateway: a reverse proxy that decides and enforces per account, and logs every call')
    .requiredOption('--upstream <url>', 'base URL of the real API, e.g. https://api.anthropic.com')
    .option('--port <n>', 'port to listen on', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--policy <file>', 'policy JSON (default: the built-in shadow-mode policy)')
    .option('--keys <file>', 'keys JSON {key: {account_id, org_id?}} (keys may be given as sha256:<hex>); without it any key is its own account')
    .option('--redis <url>', 'share budgets between replicas through Redis (e.g. redis://127.0.0.1:6379)')
    .option('--redis-fail <mode>', 'when Redis is unreachable: open (serve unthrottled) or closed (refuse throttled calls, 503)', 'open')
    .option('--redis-timeout <ms>', 'a Redis command slower than this counts as Redis unreachable (see --redis-fail)', '100')
    .option('--log <file>', 'append every interaction as JSONL (readable by `distillguard ingest`)')
    .option('--decisions <file>', 'append a decision line whenever an account\'s action changes')
    .option('--verdicts <file>', 'account verdicts JSONL (e.g. a results folder\'s accounts.jsonl)')
    .option('--no-detector', 'do not run the streaming detector (verdicts come from --verdicts only)')
    .option('--no-detector-thread', 'run the streaming detector on the event loop\'s thread instead of a worker thread of its own')
    .option('--model <file>', 'model for the streaming detector (default: the shipped models/default.json)')
    .option('--accounts <file...>', 'account records (JSONL) for the streaming detector')
    .option('--identity-header <name>', 'trust this header (set by an auth layer in front) to name the account')
    .option('--trust-forwarded', 'take the client IP from X-Forwarded-For')
    .option('--max-body <bytes>', 'largest request body accepted', String(32 * 1024 * 1024))
    .option('--upstream-timeout <ms>', 'end a call with 504 when upstream sends nothing for this long', '600000')
    .option('--watermark-key <file>', 'watermark key (from `distillguard provenance keygen`) for the policy\'s watermark action; required when the policy uses it')
    .addHelpText('after', '\nThe key that seals withheld thinking (degrade) is read from DISTILLGUARD_SEAL_KEY; replicas must share it.\nSee docs/gateway.md.')
    .action(async (opts: GatewayCliOptions) => {
      if (opts.redisFail !== 'open' && opts.redisFail !== 'closed') throw new UserError(`--redis-fail: expected open or closed, got "${opts.redisFail}"`, EXIT.USAGE);
      const redisTimeoutMs = int('--redis-timeout', opts.redisTimeout, 1);
      const readPolicy = (): Policy => (opts.policy ? userFile(() => loadPolicy(opts.policy!)) : DEFAULT_POLICY);
      const readVerdicts = () => (opts.verdicts ? userFile(() => StaticVerdicts.fromFile(opts.verdicts!)) : new StaticVerdicts());
      const wmKey = opts.watermarkKey ? userFile(() => readKey(opts.watermarkKey!)) : null;
      /** The policy file, refused when it uses the watermark action and no key was given. */
      const checkedPolicy = (): Policy => {
        const p = readPolicy();
        const problem = watermarkKeyProblem(p, wmKey, opts.policy ?? 'policy');
        if (problem !== null) throw new UserError(problem);
        return p;
      };
      const policy = checkedPolicy();
      const fixed = readVerdicts();
      let verdicts: VerdictSource = fixed;
      if (opts.detector) {
        const model = userFile(() => loadModel(opts.model));
        const accounts = [];
        for (const f of opts.accounts ?? []) {
          const r = await readAccountFile(f).catch((e: Error) => {
            throw new UserError(`${f}: ${e.message}`);
          });
          accounts.push(...r.accounts);
          for (const j of r.rejects.slice(0, 5)) log(`${j.file}:${j.line}: account record rejected: ${j.reason}`);
          if (r.rejects.length) log(`${f}: ${r.read} account records read, ${r.accounts.length} accepted, ${r.rejects.length} rejected`);
        }
        // On its own thread by default: deriving and scoring each call stays off the request path (detector-thread.ts).
        let online: DetectorThread | OnlineDetector;
        if (opts.detectorThread) {
          const t = new DetectorThread(model, accounts, { onEvent: log });
          void t.ready().then(() => log('streaming detector thread ready'));
          online = t;
        } else online = new OnlineDetector(model, accounts);
        verdicts = new CombinedVerdicts(opts.verdicts ? fixed : null, online);
      }
      const keys = opts.keys ? userFile(() => loadKeys(opts.keys!)) : null;
      let budget: BudgetStore = new MemoryBudget();
      if (opts.redis) {
        budget = new RedisBudget({ url: opts.redis, failMode: opts.redisFail, commandTimeoutMs: redisTimeoutMs, onState: (s, d) => log(`redis ${s}: ${d}`) });
      }
      const gw = new Gateway({
        upstream: userFile(() => new URL(opts.upstream).toString()),
        policy,
        verdicts,
        keys,
        identityHeader: opts.identityHeader ?? null,
        trustForwarded: opts.trustForwarded ?? false,
        budget,
        log: opts.log ? new JsonlWriter(opts.log) : null,
        decisions: opts.decisions ? new JsonlWriter(opts.decisions) : null,
        maxBodyBytes: int('--max-body', opts.maxBody, 1),
        upstreamTimeoutMs: int('--upstream-timeout', opts.upstreamTimeout, 1),
        sealer: new Sealer(process.env.DISTILLGUARD_SEAL_KEY),
        onEvent: log,
      });
      setWatermarkKey(gw, wmKey);
      // Last resort: whatever is buffered reaches the file even on an unexpected exit.
      process.on('exit', () => {
        gw.log?.flushSync();
        gw.decisions?.flushSync();
      });
      const reload = () => {
        try {
          gw.setPolicy(checkedPolicy());
          log('policy reloaded');
        } catch (err) {
          log(`policy not reloaded: ${(err as Error).message}`);
        }
      };
      process.on('SIGHUP', reload);
      let port: number;
      try {
        port = await gw.listen(int('--port', opts.port), opts.host);
      } catch (err) {
        await gw.close(0);
        throw new UserError(`cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}`);
      }
      if (!process.env.DISTILLGUARD_SEAL_KEY) log('DISTILLGUARD_SEAL_KEY not set: sealed thinking is readable by this process only (set it when running replicas)');
      log(`listening on http://${opts.host}:${port} -> ${opts.upstream} (mode ${gw.mode}, ${fixed.size} fixed verdicts, streaming detector ${opts.detector ? (opts.detectorThread ? 'on its thread' : 'in process') : 'off'}${opts.redis ? ', budgets in redis' : ''}${wmKey ? `, watermark key ${wmKey.id}` : ''})`);
      const sig = await untilSignal();
      log(`${sig}: finishing calls in flight`);
      process.off('SIGHUP', reload);
      await gw.close(10_000);
      log('stopped');
    });

  program
    .command('mock-upstream')
    .description('Run a mock LLM API (Chat Completions, Responses, Anthropic Messages) for tests and benchmarks')
    .option('--port <n>', 'port to listen on', '9090')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--latency <ms>', 'delay before every answer', '0')
    .option('--chunk-delay <ms>', 'delay between stream events', '0')
    .action(async (opts: { port: string; host: string; latency: string; chunkDelay: string }) => {
      const mock = new MockUpstream({ latencyMs: int('--latency', opts.latency), chunkDelayMs: int('--chunk-delay', opts.chunkDelay) });
      let port: number;
      try {
        port = await mock.listen(int('--port', opts.port), opts.host);
      } catch (err) {
        throw new UserError(`cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}`);
      }
      process.stderr.write(`distillguard mock-upstream: listening on http://${opts.host}:${port}\n`);
      await untilSignal();
      await mock.close();
    });
}
