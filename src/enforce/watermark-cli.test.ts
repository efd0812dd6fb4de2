/**
 * `distillguard gateway --watermark-key FILE`: a policy using the watermark action without a key is refused at
 * startup and on reload; with a key, the process serves marked text.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { registerGateway } from '../cli/commands/gateway.js';
import { UserError } from '../cli/errors.js';
import { repoRoot, scratch } from '../testutil/fixtures.js';
import { freePort, until } from './testkit.js';
import { ProseUpstream } from './watermark-testkit.js';
import { generateKey, writeKey } from '../provenance/key.js';
import { createWatermarker } from '../provenance/watermark.js';

const tmp = scratch('dg-wm-cli-');
after(() => tmp.cleanup());

const WM_POLICY = JSON.stringify({ mode: 'enforce', rules: [{ name: 'mark-all', when: {}, action: 'watermark', watermark: { max_change_rate: 0.04 } }] });

async function parse(args: string[]): Promise<void> {
  const p = new Command().exitOverride();
  registerGateway(p);
  await p.parseAsync(['node', 'distillguard', 'gateway', ...args]);
}

test('startup: a watermark rule without --watermark-key, or an unreadable key, is a configuration error', async () => {
  const policy = join(tmp.dir, 'wm-policy.json');
  writeFileSync(policy, WM_POLICY);
  await assert.rejects(parse(['--upstream', 'http://127.0.0.1:9', '--policy', policy]), (e) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /wm-policy\.json: \$\.rules\[0\] \("mark-all"\) uses the watermark action, but no watermark key is configured \(give --watermark-key FILE/);
    return true;
  });
  const notKey = join(tmp.dir, 'not-a-key.json');
  writeFileSync(notKey, '{"secret": "xyz"}');
  await assert.rejects(parse(['--upstream', 'http://127.0.0.1:9', '--policy', policy, '--watermark-key', notKey]), (e) => e instanceof UserError && /not a watermark key/.test(e.message));
  await assert.rejects(parse(['--upstream', 'http://127.0.0.1:9', '--policy', policy, '--watermark-key', join(tmp.dir, 'missing.json')]), (e) => e instanceof UserError && /cannot read the key/.test(e.message));
});

/** Starts the gateway command as a process; resolves once it listens. */
async function startGateway(t: { after: (fn: () => void) => void }, args: string[]) {
  const port = await freePort();
  const mod = pathToFileURL(join(repoRoot(), 'dist', 'src', 'cli', 'commands', 'gateway.js')).href;
  const script = `import { Command } from 'commander'; import { registerGateway } from '${mod}';
const p = new Command(); registerGateway(p); await p.parseAsync(process.argv.slice(1), { from: 'user' });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', 'gateway', '--port', String(port), ...args], { cwd: repoRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
  const out = { stderr: '' };
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => child.kill('SIGKILL'));
  await until(() => out.stderr.includes('listening on'), 10_000, `gateway start (${out.stderr})`);
  return { child, port, out, exited };
}

test('with a key the process serves marked text; a reload that adds a watermark rule without a key is refused', async (t) => {
  const up = new ProseUpstream({ minSentences: 10, maxSentences: 12 });
  await up.listen();
  t.after(() => up.close());
  const keyFile = join(tmp.dir, 'campaign.key.json');
  const key = generateKey();
  writeKey(keyFile, key);
  const policy = join(tmp.dir, 'policy-1.json');
  writeFileSync(policy, WM_POLICY);
  const g = await startGateway(t, ['--upstream', up.url, '--policy', policy, '--watermark-key', keyFile]);
  assert.match(g.out.stderr, new RegExp(`mode enforce, .*watermark key ${key.id}\\)`));
  assert.ok(!g.out.stderr.includes(key.secret), 'the secret is never printed');
  const res = await fetch(`http://127.0.0.1:${g.port}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-1', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
  const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
  const original = up.answerFor(up.requests.at(-1)!);
  assert.equal(body.choices[0]!.message.content, createWatermarker(key, { maxChangeRate: 0.04 }).text(original));
  assert.notEqual(body.choices[0]!.message.content, original);
  g.child.kill('SIGTERM');
  assert.equal(await g.exited, 0);

  // No key, a policy without watermark: starts; the policy then gains a watermark rule: the reload is refused.
  const policy2 = join(tmp.dir, 'policy-2.json');
  writeFileSync(policy2, JSON.stringify({ mode: 'enforce', rules: [{ when: {}, action: 'flag' }] }));
  const h = await startGateway(t, ['--upstream', up.url, '--policy', policy2]);
  writeFileSync(policy2, WM_POLICY);
  h.child.kill('SIGHUP');
  await until(() => h.out.stderr.includes('policy not reloaded'), 10_000, `reload refused (${h.out.stderr})`);
  assert.match(h.out.stderr, /policy not reloaded: .*policy-2\.json: \$\.rules\[0\] \("mark-all"\) uses the watermark action, but no watermark key/);
  const r2 = await fetch(`http://127.0.0.1:${h.port}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-1', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
  const b2 = (await r2.json()) as { choices: Array<{ message: { content: string } }> };
  assert.equal(b2.choices[0]!.message.content, up.answerFor(up.requests.at(-1)!), 'the old policy (flag) still serves');
  h.child.kill('SIGTERM');
  assert.equal(await h.exited, 0);
});
