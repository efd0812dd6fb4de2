import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixture, scratch } from '../../testutil/fixtures.js';
import { readCsv, type CsvItem } from './csv.js';

async function all(path: string, map?: Record<string, string>, batchSize?: number): Promise<CsvItem[]> {
  const out: CsvItem[] = [];
  for await (const batch of readCsv(path, { map, batchSize })) out.push(...batch);
  return out;
}

const MAP = { id: 'request_id', account_id: 'user', ts: 'timestamp' };

test('mapped columns, quoted multi-line prompt, coercion, JSON cells', async () => {
  const items = await all(fixture('csv', 'mapped.csv'), MAP);
  const first = items[0]!;
  assert.equal(first.line, 2);
  assert.ok('value' in first);
  assert.deepEqual(first.value, {
    id: 'r1',
    account_id: 'acct-1',
    ts: '2024-05-01T10:00:00Z',
    model: 'gpt-4o',
    prompt: 'Explain "quicksort",\nstep by step:\n1. pick a pivot',
    input_tokens: 120,
    output_tokens: 340,
    status: 200,
    latency_ms: 812.5,
    asn: 'AS13335',
    ip: '198.51.100.4',
    request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
    response: { id: 'x' },
  });
  // Empty cells are absent, numeric epoch ts is a number, unmapped non-canonical columns are ignored.
  const second = items[1]!;
  assert.equal(second.line, 5);
  assert.ok('value' in second);
  assert.deepEqual(second.value, { id: 'r2', account_id: 'acct-1', ts: 1714557601, model: 'gpt-4o', prompt: 'Short one', output_tokens: 12, status: 429 });
});

test('bad rows become rejects with their line, and the run goes on', async () => {
  const items = await all(fixture('csv', 'mapped.csv'), MAP, 2);
  assert.deepEqual(
    items.map((i) => [i.line, 'reject' in i ? i.reject : 'ok']),
    [
      [2, 'ok'],
      [5, 'ok'],
      [6, (items[2] as { reject: string }).reject],
      [7, 'expected 14 columns as in the header, got 5'],
      [8, 'bad CSV quoting: character after closing quote in field 5'],
      [10, 'ok'],
    ],
  );
  assert.match((items[2] as { reject: string }).reject, /^column 'request' \(request\): invalid JSON: /);
  const last = items[5]!;
  assert.ok('value' in last);
  // A response cell that is not JSON is kept as text (raw SSE); a non-numeric status stays a string.
  assert.equal(last.value.response, 'event: message_stop');
  assert.equal(last.value.status, 'ok');
});

test('canonical header without a mapping, CRLF line ends', async () => {
  const items = await all(fixture('csv', 'canonical-crlf.csv'));
  assert.deepEqual(items, [
    { line: 2, value: { id: 'c1', account_id: 'acct-9', ts: 1714557601000, prompt: 'multi\r\nline' } },
    { line: 4, value: { id: 'c2', account_id: 'acct-9', ts: 1714557602000, prompt: 'plain' } },
  ]);
});

test('gzip input is read the same as plain', async () => {
  const { dir, cleanup } = scratch();
  try {
    const gz = join(dir, 'mapped.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('csv', 'mapped.csv'))));
    assert.deepEqual(await all(gz, MAP), await all(fixture('csv', 'mapped.csv'), MAP));
  } finally {
    cleanup();
  }
});

test('invalid UTF-8 rejects only its record', async () => {
  const { dir, cleanup } = scratch();
  try {
    const p = join(dir, 'latin1.csv');
    writeFileSync(p, Buffer.concat([Buffer.from('id,account_id,ts,prompt\nu1,a,1,caf'), Buffer.from([0xe9]), Buffer.from('\nu2,a,2,café\n')]));
    assert.deepEqual(await all(p), [
      { line: 2, reject: 'invalid UTF-8 in record' },
      { line: 3, value: { id: 'u2', account_id: 'a', ts: 2, prompt: 'café' } },
    ]);
  } finally {
    cleanup();
  }
});

test('unclosed quote at the end is a reject naming the line it opened on', async () => {
  const { dir, cleanup } = scratch();
  try {
    const p = join(dir, 'unclosed.csv');
    writeFileSync(p, 'id,account_id,ts,prompt\nu1,a,1,ok\nu2,a,2,"never closed\nmore\n');
    assert.deepEqual(await all(p), [
      { line: 2, value: { id: 'u1', account_id: 'a', ts: 1, prompt: 'ok' } },
      { line: 3, reject: 'bad CSV quoting: quote opened on line 3 is never closed' },
    ]);
  } finally {
    cleanup();
  }
});

test('empty file, header-less file, bad mapping and missing file are errors naming the file', async () => {
  await assert.rejects(all(fixture('csv', 'empty.csv')), /empty\.csv: empty CSV file/);
  await assert.rejects(all(fixture('csv', 'headerless.csv')), /headerless\.csv: no header row/);
  await assert.rejects(all(fixture('csv', 'mapped.csv'), { account_id: 'nope' }), /mapped\.csv: mapped column 'nope'/);
  await assert.rejects(all(fixture('csv', 'mapped.csv'), { bogus: 'user' }), /mapped\.csv: mapping names unknown field 'bogus'/);
  await assert.rejects(all(fixture('csv', 'missing.csv')), /missing\.csv/);
});

test('batches respect batchSize', async () => {
  const sizes: number[] = [];
  for await (const batch of readCsv(fixture('csv', 'mapped.csv'), { map: MAP, batchSize: 4 })) sizes.push(batch.length);
  assert.deepEqual(sizes, [4, 2]);
});
