/** Every reader end to end through the pipeline: detection, adaptation, validation, derivation, store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingest, type IngestReport } from './pipeline.js';
import { Store } from '../store/store.js';
import { fixture, scratch } from '../testutil/fixtures.js';

function addsUp(r: IngestReport) {
  for (const f of r.files) assert.equal(f.read, f.accepted + f.rejected + f.duplicate, `counts add up for ${f.path}`);
}

test('formats are detected from the records and every reader loads through the pipeline', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await Store.open(join(dir, 'db.duckdb'));
    const files = [
      fixture('openai', 'logs.jsonl'),
      fixture('openai', 'batch-output.jsonl'),
      fixture('anthropic', 'logs.jsonl'),
      fixture('otlp', 'genai-export.json'),
    ];
    const r = await ingest(s, { files, tmpDir: dir, workers: 2, rejectsOut: join(dir, 'rejects.jsonl') });
    addsUp(r);
    assert.deepEqual(
      r.files.map((f) => f.format),
      ['openai', 'openai', 'anthropic', 'otlp'],
    );
    for (const f of r.files) assert.ok(f.accepted > 0, `${f.path} gave records`);
    // The OTLP export is one pretty-printed document holding several spans.
    assert.ok(r.files[3]!.warnings.some((w) => /one JSON document/.test(w)));
    const apis = await s.all<{ api: string }>(`SELECT DISTINCT api FROM interactions ORDER BY api`);
    const names = apis.map((a) => a.api);
    for (const a of ['anthropic.messages', 'openai.chat', 'openai.responses', 'text']) assert.ok(names.includes(a), `api ${a} present: ${names}`);
    // Streamed Anthropic responses are reconstructed: thinking returned, usage read from the events.
    const streamed = await s.one<{ n: number }>(
      `SELECT count(*)::INT AS n FROM interactions WHERE api = 'anthropic.messages' AND stream AND output_tokens > 0`,
    );
    assert.ok(streamed!.n >= 1, 'a streamed Anthropic response has its usage');
    s.close();
  } finally {
    cleanup();
  }
});

test('CSV with a column mapping and Parquet through DuckDB', async () => {
  const { dir, cleanup } = scratch();
  try {
    const pq = join(dir, 'calls.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`COPY (SELECT 'p' || i AS id, TIMESTAMP '2026-04-22 10:00:00' + INTERVAL (i) SECOND AS ts, 'acct-' || (i % 7) AS account_id,
      'question ' || i AS prompt, 'gpt-x' AS model, i * 3 AS output_tokens FROM range(1, 501) t(i)) TO '${pq}' (FORMAT parquet)`);
    c.closeSync();
    inst.closeSync();
    const s = await Store.open(join(dir, 'db.duckdb'));
    const r = await ingest(s, {
      files: [fixture('csv', 'mapped.csv')],
      map: { id: 'request_id', account_id: 'user', ts: 'timestamp' },
      tmpDir: dir,
      workers: 0,
      rejectsOut: join(dir, 'rejects.jsonl'),
    });
    addsUp(r);
    assert.equal(r.files[0]!.format, 'csv');
    assert.ok(r.files[0]!.accepted >= 2 && r.files[0]!.rejected >= 2, `csv: ${JSON.stringify(r.files[0])}`);
    const p = await ingest(s, { files: [pq], tmpDir: dir, workers: 0 });
    addsUp(p);
    assert.deepEqual({ format: p.files[0]!.format, read: p.files[0]!.read, accepted: p.files[0]!.accepted }, { format: 'parquet', read: 500, accepted: 500 });
    const row = await s.one<{ ts: number; prompt: string }>(`SELECT ts, prompt FROM interactions WHERE id = 'p1'`);
    assert.equal(Number(row!.ts), Date.UTC(2026, 3, 22, 10, 0, 1));
    const csv2 = join(dir, 'plain.csv');
    writeFileSync(csv2, 'id,ts,account_id,prompt\nm1,2026-04-22T10:00:00Z,a,"line one, with comma\nline ""two""\n"\n');
    await ingest(s, { files: [csv2], tmpDir: dir, workers: 0 });
    const multi = await s.one<{ prompt: string }>(`SELECT prompt FROM interactions WHERE id = 'm1'`);
    assert.equal(multi!.prompt, 'line one, with comma\nline "two"\n', 'quotes, commas and newlines survive staging');
    s.close();
  } finally {
    cleanup();
  }
});
