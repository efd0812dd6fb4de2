import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { scratch } from '../../testutil/fixtures.js';
import { readParquet, type ParquetItem } from './parquet.js';

async function all(path: string, map?: Record<string, string>): Promise<{ items: ParquetItem[]; batches: number }> {
  const items: ParquetItem[] = [];
  let batches = 0;
  for await (const b of readParquet(path, { map })) {
    items.push(...b);
    batches++;
  }
  return { items, batches };
}

/** Write a Parquet file from a SELECT, through DuckDB. */
async function writeParquet(path: string, select: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(`COPY (${select}) TO '${path.replace(/'/g, "''")}' (FORMAT parquet)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

test('Parquet rows: mapping, TIMESTAMP to epoch ms, BIGINT to number, struct/list/MAP/JSON text, chunks', async () => {
  const { dir, cleanup } = scratch();
  try {
    const p = join(dir, 'logs.parquet');
    await writeParquet(
      p,
      `SELECT 'r' || x AS id,
              TIMESTAMP '2024-05-01 10:00:00.250' + to_seconds(x) AS event_time,
              'acct-' || (x % 3) AS usr,
              (x * 10)::BIGINT AS input_tokens,
              CASE WHEN x = 1 THEN NULL ELSE 7 END AS output_tokens,
              {'model': 'gpt-4o', 'messages': [{'role': 'user', 'content': 'hi ' || x}]} AS request,
              CASE WHEN x = 2 THEN '{broken' ELSE '{"id":"resp"}' END AS response,
              MAP {'k': x::BIGINT} AS metadata,
              'ignored' AS other
       FROM range(5000) t(x)`,
    );
    const { items, batches } = await all(p, { account_id: 'usr', ts: 'event_time' });
    assert.equal(items.length, 5000);
    assert.ok(batches >= 2, 'streamed in more than one chunk');
    assert.deepEqual(items[0], {
      line: 1,
      value: {
        account_id: 'acct-0',
        ts: Date.UTC(2024, 4, 1, 10, 0, 0, 250),
        id: 'r0',
        input_tokens: 0,
        output_tokens: 7,
        request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi 0' }] },
        response: { id: 'resp' },
      },
    });
    assert.ok('value' in items[1]! && !('output_tokens' in items[1].value), 'NULL is absent');
    assert.equal(items[2]!.line, 3);
    assert.match((items[2] as { reject: string }).reject, /^column 'response' \(response\): invalid JSON/);
    assert.deepEqual(items[4999], {
      line: 5000,
      value: {
        account_id: 'acct-1',
        ts: Date.UTC(2024, 4, 1, 10, 0, 0, 250) + 4999 * 1000,
        id: 'r4999',
        input_tokens: 49990,
        output_tokens: 7,
        request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi 4999' }] },
        response: { id: 'resp' },
      },
    });
  } finally {
    cleanup();
  }
});

test('MAP request column becomes an object; numeric text in VARCHAR is coerced', async () => {
  const { dir, cleanup } = scratch();
  try {
    const p = join(dir, 'map.parquet');
    await writeParquet(p, `SELECT 'a' AS id, 'u' AS account_id, '1714557601' AS ts, '200' AS status, MAP {'model': 'm'} AS request`);
    const { items } = await all(p);
    assert.deepEqual(items, [{ line: 1, value: { id: 'a', account_id: 'u', ts: 1714557601, status: 200, request: { model: 'm' } } }]);
  } finally {
    cleanup();
  }
});

test('a file that is not Parquet, or is missing, is an error naming the file', async () => {
  const { dir, cleanup } = scratch();
  try {
    const p = join(dir, 'not.parquet');
    writeFileSync(p, 'id,account_id\n1,2\n');
    await assert.rejects(all(p), /not\.parquet: not a Parquet file/);
    await assert.rejects(all(join(dir, 'missing.parquet')), /missing\.parquet: cannot open/);
  } finally {
    cleanup();
  }
});
