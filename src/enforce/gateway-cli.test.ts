/**
 * The `gateway` command as a process: starts, serves, and on SIGTERM finishes and flushes its log.
 * (main.ts registration is done elsewhere: this test registers the command on its own program.)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, scratch } from '../testutil/fixtures.js';
import { MockUpstream } from './mock-upstream.js';
import { freePort, until } from './testkit.js';

const tmp = scratch('dg-cli-');
after(() => tmp.cleanup());

test('gateway command: serves, logs, and flushes every record on SIGTERM', async (t) => {
  const mock = new MockUpstream();
  await mock.listen();
  t.after(() => mock.close());
  const port = await freePort();
  const keys = join(tmp.dir, 'keys.json');
  const policy = join(tmp.dir, 'policy.jsonc');
  const verdicts = join(tmp.dir, 'accounts.jsonl');
  const log = join(tmp.dir, 'gw.jsonl');
  writeFileSync(keys, JSON.stringify({ 'sk-1': { account_id: 'acct-1' }, 'sk-2': { account_id: 'acct-2' } }));
  writeFileSync(policy, '{ // enforce from the start\n "mode": "enforce", "rules": [{"when": {"verdict": ["distillation"]}, "action": "block"}] }');
  writeFileSync(verdicts, JSON.stringify({ account_id: 'acct-2', score: 0.99, verdict: 'distillation', campaign_id: null, reasons: [] }) + '\n');
  const mod = pathToFileURL(join(repoRoot(), 'dist', 'src', 'cli', 'commands', 'gateway.js')).href;
  const script = `import { Command } from 'commander'; import { registerGateway } from '${mod}';
const p = new Command(); registerGateway(p); await p.parseAsync(process.argv.slice(1), { from: 'user' });`;
  const args = ['gateway', '--upstream', mock.url, '--port', String(port), '--keys', keys, '--policy', policy, '--verdicts', verdicts, '--log', log];
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { cwd: repoRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => child.kill('SIGKILL'));
  await until(() => stderr.includes('listening on'), 10_000, `gateway start (${stderr})`);
  assert.match(stderr, /mode enforce, 1 fixed verdicts, streaming detector on/);
  const call = (key: string) =>
    fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) }).then(async (r) => {
      await r.text();
      return r.status;
    });
  assert.deepEqual(await Promise.all([call('sk-1'), call('sk-2'), call('sk-x')]), [200, 403, 401]);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(stderr, /SIGTERM: finishing calls in flight[\s\S]*stopped/);
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: number });
  assert.deepEqual(lines.map((l) => l.status).sort(), [200, 401, 403]);
});

test('gateway command: a bad option value is a usage error naming the option, before anything starts', { timeout: 20_000 }, async (t) => {
  const bin = join(repoRoot(), 'dist', 'src', 'cli', 'bin.js');
  const child = spawn(process.execPath, [bin, 'gateway', '--upstream', 'http://127.0.0.1:1', '--redis', 'redis://127.0.0.1:1', '--redis-timeout', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 3);
  assert.match(stderr, /--redis-timeout: expected an integer >= 1, got "0"/);
  assert.doesNotMatch(stderr, /listening|redis (up|down)|\n\s+at /);
});
