/**
 * Test helpers for the gateway: a private redis-server, a mock upstream + gateway stack, and log reading.
 * Used by the *.test.ts files here and by bench/gateway.ts; not part of the gateway itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { Gateway, type GatewayOptions } from './gateway.js';
import { keysFromObject } from './identity.js';
import { JsonlWriter } from './log.js';
import { MockUpstream, type MockOptions } from './mock-upstream.js';

/** A free loopback TCP port (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A private redis-server on a loopback port, with no persistence; `restart()` stops and starts it again. */
export class RedisServer {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const r = new RedisServer(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const bin = existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server';
    const p = spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.proc = p;
    for (let i = 0; i < 200; i++) {
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async down(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p === null || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Keys used by tests: raw key -> account. */
export const TEST_KEYS = {
  'sk-good': { account_id: 'acct-good', org_id: 'org-a' },
  'sk-bad': { account_id: 'acct-bad', org_id: 'org-b' },
  'sk-sus': { account_id: 'acct-sus', org_id: 'org-b' },
  'sk-camp1': { account_id: 'acct-camp1', org_id: 'org-c' },
  'sk-camp2': { account_id: 'acct-camp2', org_id: 'org-c' },
  'sk-chal': { account_id: 'acct-chal', org_id: null },
  'sk-flag': { account_id: 'acct-flag', org_id: null },
};

export interface Stack {
  mock: MockUpstream;
  gw: Gateway;
  url: string;
  logPath: string | null;
  close(): Promise<void>;
}

/** A mock upstream and a gateway in front of it (log in `dir` when given). */
export async function startStack(opts: Partial<GatewayOptions> & { dir?: string; mock?: MockOptions; sharedMock?: MockUpstream } = {}): Promise<Stack> {
  const mock = opts.sharedMock ?? new MockUpstream({ record: true, ...opts.mock });
  if (opts.sharedMock === undefined) await mock.listen();
  const logPath = opts.dir ? join(opts.dir, `gateway-${Math.random().toString(36).slice(2)}.jsonl`) : null;
  const gw = new Gateway({
    upstream: mock.url,
    keys: keysFromObject(TEST_KEYS),
    log: logPath ? new JsonlWriter(logPath) : null,
    ...opts,
  });
  const port = await gw.listen();
  return {
    mock,
    gw,
    url: `http://127.0.0.1:${port}`,
    logPath,
    close: async () => {
      await gw.close(2000);
      if (opts.sharedMock === undefined) await mock.close();
    },
  };
}

/** Records of a JSONL log (after flushing the writer). */
export function readLog(stack: Stack): Record<string, unknown>[] {
  stack.gw.log?.flushSync();
  if (stack.logPath === null || !existsSync(stack.logPath)) return [];
  return readFileSync(stack.logPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Waits until `cond` holds (polling), or throws after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
