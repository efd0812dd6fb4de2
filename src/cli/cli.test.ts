/** The CLI as a user meets it: help on every command, exit codes, clear errors without stack traces. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, scratch } from '../testutil/fixtures.js';
import { buildProgram } from './main.js';

const bin = join(repoRoot(), 'dist', 'src', 'cli', 'bin.js');
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DISTILLGUARD_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help works on every command', () => {
  const { dir, cleanup } = scratch();
  try {
    const paths = buildProgram().commands.flatMap((c) => [[c.name()], ...c.commands.map((s) => [c.name(), s.name()])]);
    assert.ok(paths.some((p) => p[0] === 'ingest') && paths.some((p) => p.join(' ') === 'provenance verify'));
    for (const p of paths) {
      const r = cli([...p, '--help'], dir);
      assert.equal(r.code, 0, `${p.join(' ')} --help exits 0`);
      assert.match(r.out, new RegExp(`Usage: distillguard ${p.join(' ')}`));
    }
    assert.equal(cli(['--help'], dir).code, 0);
  } finally {
    cleanup();
  }
});

test('exit codes: usage 3, unknown format 1 with one clear message, --strict 2', () => {
  const { dir, cleanup } = scratch();
  try {
    const usage = cli(['ingest'], dir);
    assert.equal(usage.code, 3);
    assert.match(usage.err, /missing required argument/);
    assert.equal(cli(['no-such-command'], dir).code, 3);

    writeFileSync(join(dir, 'notes.txt'), 'hello\n');
    const unknown = cli(['ingest', 'notes.txt', '--db', 'x.duckdb'], dir);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /cannot tell the format of .*notes\.txt/);
    assert.doesNotMatch(unknown.err, /\n\s+at /, 'no stack trace');

    writeFileSync(join(dir, 'a.jsonl'), '{"id":"1","ts":1776852000,"account_id":"a"}\n{"id":"2","ts":"soon","account_id":"a"}\n');
    const lenient = cli(['ingest', 'a.jsonl', '--db', 'y.duckdb'], dir);
    assert.equal(lenient.code, 0, lenient.err);
    assert.match(lenient.out, /total\s+2\s+1\s+1\s+0/);
    const strict = cli(['ingest', 'a.jsonl', '--db', 'z.duckdb', '--strict'], dir);
    assert.equal(strict.code, 2);
  } finally {
    cleanup();
  }
});

test('analyze: empty input is one clear error; unknown accounts and out-of-order times are reported and analysed', () => {
  const { dir, cleanup } = scratch();
  try {
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const empty = cli(['analyze', 'empty.jsonl', '--db', 'e.duckdb', '--out', 'out-e'], dir);
    assert.equal(empty.code, 1);
    assert.match(empty.err, /holds no interactions/);
    assert.doesNotMatch(empty.err, /\n\s+at /);

    // Out of time order, one bad line, and an accounts file naming an account with no traffic.
    const t = Date.UTC(2026, 3, 22);
    const lines = [5, 1, 4, 2, 3].map((k) => JSON.stringify({ id: `x${k}`, ts: t + k * 60_000, account_id: k % 2 ? 'acct-a' : 'acct-b', prompt: `question ${k}` }));
    lines.splice(2, 0, '{"id": "bad", "ts": ');
    writeFileSync(join(dir, 'calls.jsonl'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'accounts.jsonl'), [{ account_id: 'acct-a', tier: 'paid' }, { account_id: 'ghost', tier: 'free' }].map((a) => JSON.stringify(a)).join('\n'));
    const r = cli(['analyze', 'calls.jsonl', '--accounts', 'accounts.jsonl', '--db', 'a.duckdb', '--out', 'out-a'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /total\s+6\s+5\s+1\s+0/, 'the bad line is rejected, the rest kept');
    assert.match(r.out, /1 accounts in the accounts file\(s\) have no interactions/);
    assert.match(r.out, /2 accounts: /);
  } finally {
    cleanup();
  }
});
