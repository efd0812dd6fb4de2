import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingest, type IngestReport } from './pipeline.js';
import { Store } from '../store/store.js';
import { scratch } from '../testutil/fixtures.js';

const T = Date.UTC(2026, 3, 22, 10, 0, 0);
const rec = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `r${i}`, ts: new Date(T + i * 1000).toISOString(), account_id: `acct-${i % 3}`, prompt: `question ${i}`, ...extra });

async function run(files: string[], dir: string, extra: Partial<Parameters<typeof ingest>[1]> = {}, store?: Store) {
  const s = store ?? (await Store.open(join(dir, 'db.duckdb')));
  const rejectsOut = join(dir, 'rejects.jsonl');
  const r = await ingest(s, { files, rejectsOut, tmpDir: dir, workers: 0, ...extra });
  return { r, s, rejectsOut };
}

function assertAddsUp(r: IngestReport) {
  assert.equal(r.read, r.accepted + r.rejected + r.duplicate, 'read = accepted + rejected + duplicate');
  for (const f of r.files) assert.equal(f.read, f.accepted + f.rejected + f.duplicate, `counts add up for ${f.path}`);
}

function readRejects(p: string): Array<{ file: string; line: number; reason: string }> {
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

test('bad records are rejected with file, line and reason; good ones are kept; counts add up', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'mixed.jsonl');
    const lines = [
      rec(1),
      '{"id": "r2", "ts": "2026-04-22T10:00:02Z", "account_id": "a", "prompt": "cut', // truncated JSON
      rec(3, { unknown_field: { nested: true }, another: [1, 2] }), // unknown fields are fine
      JSON.stringify({ id: 'r4', ts: '2026-04-22T10:00:04Z' }), // missing account_id
      JSON.stringify({ id: 'r5', ts: 'last tuesday', account_id: 'a' }), // bad timestamp
      '',
      '   ',
      JSON.stringify({ id: 'r6', ts: T / 1000 + 6, account_id: 'a' }), // epoch seconds
      JSON.stringify({ id: 'r7', ts: T + 7000, account_id: 'a' }), // epoch ms
      JSON.stringify({ id: 'r8', ts: '2026-04-22T12:00:08+02:00', account_id: 'a' }), // ISO with offset
      '[1,2,3]', // not an object
      rec(1), // duplicate id
    ];
    writeFileSync(f, lines.join('\n') + '\n');
    const { r, s, rejectsOut } = await run([f], dir);
    assertAddsUp(r);
    assert.equal(r.read, 10);
    assert.equal(r.accepted, 5);
    assert.equal(r.rejected, 4);
    assert.equal(r.duplicate, 1);
    const rej = readRejects(rejectsOut);
    const byLine = new Map(rej.map((x) => [x.line, x.reason]));
    assert.match(byLine.get(2)!, /truncated JSON/);
    assert.match(byLine.get(4)!, /account_id: required field missing/);
    assert.match(byLine.get(5)!, /ts: not an ISO-8601 time/);
    assert.match(byLine.get(11)!, /not a JSON object/);
    assert.match(byLine.get(12)!, /duplicate id r1/);
    assert.ok(rej.every((x) => x.file === f));
    const ts = await s.all<{ id: string; ts: number }>(`SELECT id, ts FROM interactions WHERE id IN ('r6','r7','r8') ORDER BY id`);
    assert.deepEqual(
      ts.map((x) => Number(x.ts)),
      [T + 6000, T + 7000, T + 8000],
    );
    s.close();
  } finally {
    cleanup();
  }
});

test('re-ingesting the same file adds nothing and counts every record as duplicate', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'a.jsonl');
    writeFileSync(f, Array.from({ length: 50 }, (_, i) => rec(i)).join('\n'));
    const { r: r1, s } = await run([f], dir);
    assert.equal(r1.accepted, 50);
    const { r: r2 } = await run([f], dir, {}, s);
    assertAddsUp(r2);
    assert.equal(r2.accepted, 0);
    assert.equal(r2.duplicate, 50);
    const n = await s.one<{ n: number }>('SELECT count(*)::INT AS n FROM interactions');
    assert.equal(n!.n, 50);
    s.close();
  } finally {
    cleanup();
  }
});

test('a 10 MB line is read; invalid UTF-8 is rejected by line; the rest survives', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'big.jsonl');
    const big = rec(2, { prompt: 'x'.repeat(10 * 1024 * 1024) });
    const bad = Buffer.concat([Buffer.from('{"id":"r3","ts":1776852000000,"account_id":"a","prompt":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    writeFileSync(f, Buffer.concat([Buffer.from(rec(1) + '\n' + big + '\n'), bad, Buffer.from('\n' + rec(4) + '\n')]));
    for (const workers of [0, 2]) {
      const { r, s, rejectsOut } = await run([f], dir, { workers });
      assertAddsUp(r);
      assert.equal(r.accepted, 3, `workers=${workers}`);
      assert.equal(r.rejected, 1);
      const rej = readRejects(rejectsOut);
      assert.equal(rej[0]!.line, 3);
      assert.match(rej[0]!.reason, /invalid UTF-8/);
      const p = await s.one<{ n: number; kept: number }>(`SELECT prompt_chars AS n, length(prompt) AS kept FROM interactions WHERE id = 'r2'`);
      assert.equal(Number(p!.n), 10 * 1024 * 1024);
      assert.equal(Number(p!.kept), 2000, 'prompt text is truncated to the configured length');
      s.close();
      await import('node:fs').then((fs) => fs.rmSync(join(dir, 'db.duckdb'), { force: true }));
    }
  } finally {
    cleanup();
  }
});

test('lines over the cap are rejected without being held in memory', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'huge.jsonl');
    writeFileSync(f, rec(1) + '\n' + rec(2, { prompt: 'y'.repeat(3 << 20) }) + '\n' + rec(3) + '\n');
    const { readLineChunks } = await import('./lines.js');
    const events = [];
    for await (const ev of readLineChunks(f, { chunkBytes: 1 << 16, maxLineBytes: 1 << 20 })) events.push(ev);
    const rejects = events.filter((e) => e.kind === 'reject');
    assert.equal(rejects.length, 1);
    assert.equal((rejects[0] as { line: number }).line, 2);
    const chunkLines = events.filter((e) => e.kind === 'chunk').reduce((a, e) => a + (e as { lines: number }).lines, 0);
    assert.equal(chunkLines, 2);
  } finally {
    cleanup();
  }
});

test('a gzip file cut short keeps the records before the cut and rejects the partial one', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'cut.jsonl.gz');
    const full = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => rec(i, { prompt: `question ${i} ${'z'.repeat(i % 50)}` })).join('\n') + '\n'));
    writeFileSync(f, full.subarray(0, Math.floor(full.length * 0.6)));
    const { r, s } = await run([f], dir);
    assertAddsUp(r);
    assert.ok(r.accepted > 500 && r.accepted < 2000, `kept the records before the cut (${r.accepted})`);
    assert.ok(r.files[0]!.warnings.some((w) => /gzip stream ends early/.test(w)));
    s.close();
  } finally {
    cleanup();
  }
});

test('plain gzip works, an empty file is reported empty, an unknown format is one clear error', async () => {
  const { dir, cleanup } = scratch();
  try {
    const gz = join(dir, 'ok.jsonl.gz');
    writeFileSync(gz, gzipSync(Buffer.from([rec(1), rec(2)].join('\n'))));
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const { r, s } = await run([gz, empty], dir);
    assertAddsUp(r);
    assert.equal(r.accepted, 2);
    assert.deepEqual(r.files[1]!.warnings, ['empty file: no records']);
    const odd = join(dir, 'notes.txt');
    writeFileSync(odd, 'hello\nworld\n');
    await assert.rejects(() => ingest(s, { files: [odd], tmpDir: dir, workers: 0 }), (e: Error) => {
      assert.match(e.message, /cannot tell the format of .*notes\.txt/);
      assert.match(e.message, /jsonl: native distillguard JSONL/);
      assert.match(e.message, /parquet/);
      return true;
    });
    await assert.rejects(() => ingest(s, { files: [join(dir, 'missing.jsonl')], tmpDir: dir, workers: 0 }), /no such file/);
    s.close();
  } finally {
    cleanup();
  }
});

test('prompt text can be switched off; hashes and lengths stay', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'p.jsonl');
    writeFileSync(f, rec(1, { system: 'You are helpful.' }) + '\n');
    const { s } = await run([f], dir, { normalize: { promptChars: 0 } });
    const row = await s.one<Record<string, unknown>>(
      'SELECT prompt, prompt_chars, prompt_hash, p.system, i.system_hash FROM interactions i LEFT JOIN system_prompts p USING (system_hash)',
    );
    assert.equal(row!.prompt, null);
    assert.equal(row!.system, null);
    assert.equal(Number(row!.prompt_chars), 'question 1'.length);
    assert.match(String(row!.prompt_hash), /^[0-9a-f]{16}$/);
    assert.match(String(row!.system_hash), /^[0-9a-f]{16}$/);
    s.close();
  } finally {
    cleanup();
  }
});

test('accounts file: valid records upserted, bad ones rejected with line numbers', async () => {
  const { dir, cleanup } = scratch();
  try {
    const f = join(dir, 'i.jsonl');
    writeFileSync(f, [rec(0), rec(1)].join('\n'));
    const a = join(dir, 'accounts.jsonl');
    writeFileSync(
      a,
      [
        JSON.stringify({ account_id: 'acct-0', created_at: '2026-04-01T00:00:00Z', tier: 'Free', verified: false, email_domain: 'x@Mail.Example' }),
        JSON.stringify({ account_id: 'acct-1', created_at: 'soon' }),
        '{"account_id": ',
        JSON.stringify({ account_id: 'ghost', tier: 'paid' }),
      ].join('\n'),
    );
    const { r, s, rejectsOut } = await run([f], dir, { accounts: [a] });
    assert.deepEqual(
      { read: r.accounts[0]!.read, accepted: r.accounts[0]!.accepted, rejected: r.accounts[0]!.rejected },
      { read: 4, accepted: 2, rejected: 2 },
    );
    assert.equal(r.accountsWithoutInteractions, 1);
    const row = await s.one<Record<string, unknown>>(`SELECT tier, email_domain FROM accounts WHERE account_id = 'acct-0'`);
    assert.deepEqual(row, { tier: 'free', email_domain: 'mail.example' });
    const rej = readRejects(rejectsOut).filter((x) => x.file === a);
    assert.deepEqual(
      rej.map((x) => x.line),
      [2, 3],
    );
    s.close();
  } finally {
    cleanup();
  }
});
