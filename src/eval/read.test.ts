/** Bad inputs: every error names the file, and for JSON Lines the line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { UserError } from '../cli/errors.js';
import { fixture, scratch } from '../testutil/fixtures.js';
import { loadEvalInput, readLabels } from './load.js';
import { readJsonFile, readJsonlArray } from './read.js';

const F = (...p: string[]) => fixture('eval', ...p);

/** Assert that `p` rejects with a UserError whose message matches `re`. */
async function rejectsUser(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

test('missing file is named', async () => {
  await rejectsUser(readLabels(F('nope.jsonl')), /nope\.jsonl: no such file$/);
});

test('missing results folder and missing campaigns.json are named', async () => {
  await rejectsUser(loadEvalInput({ labels: F('labels.jsonl'), results: F('no-such-dir') }), /no-such-dir: no such results folder/);
  const s = scratch();
  try {
    writeFileSync(join(s.dir, 'accounts.jsonl'), '');
    await rejectsUser(loadEvalInput({ labels: F('labels.jsonl'), results: s.dir }), /campaigns\.json: no such file/);
  } finally {
    s.cleanup();
  }
});

test('bad JSON line is named with file:line', async () => {
  await rejectsUser(readLabels(F('bad', 'labels_bad_json.jsonl')), /labels_bad_json\.jsonl:3: not valid JSON/);
});

test('unknown verdict is named with file:line and field', async () => {
  await rejectsUser(
    loadEvalInput({ labels: F('labels.jsonl'), results: F('bad', 'results_bad_verdict') }),
    /results_bad_verdict[/\\]accounts\.jsonl:2: verdict: /,
  );
});

test('duplicate account in labels is rejected with both lines', async () => {
  const s = scratch();
  try {
    const line = '{"account_id":"z","campaign_id":null,"role":"benign","group":"ordinary","interactions":1,"distillation_interactions":0}';
    const p = join(s.dir, 'labels.jsonl');
    writeFileSync(p, `${line}\n\n${line}\n`);
    await rejectsUser(readLabels(p), /labels\.jsonl:3: duplicate account_id z \(first on line 1\)/);
  } finally {
    s.cleanup();
  }
});

test('gzip is detected by content, whatever the name; corrupt gzip is an error', async () => {
  const s = scratch();
  try {
    const p = join(s.dir, 'plain-name.jsonl');
    writeFileSync(p, gzipSync('{"a":1}\n{"a":2}\n'));
    assert.deepEqual(await readJsonlArray(p, z.object({ a: z.number() })), [{ a: 1 }, { a: 2 }]);
    const bad = join(s.dir, 'bad.jsonl.gz');
    writeFileSync(bad, Buffer.concat([gzipSync('{"a":1}\n').subarray(0, 12), Buffer.from('garbage')]));
    await rejectsUser(readJsonlArray(bad, z.object({ a: z.number() })), /bad\.jsonl\.gz: /);
  } finally {
    s.cleanup();
  }
});

test('a whole JSON file: bad JSON and bad element are named', async () => {
  const s = scratch();
  try {
    const p = join(s.dir, 'campaigns.json');
    writeFileSync(p, '[{"campaign_id": ');
    await rejectsUser(readJsonFile(p, z.array(z.object({ campaign_id: z.string() }))), /campaigns\.json: not valid JSON/);
    writeFileSync(p, '[{"campaign_id": "x"}, {"campaign_id": 3}]');
    await rejectsUser(readJsonFile(p, z.array(z.object({ campaign_id: z.string() }))), /campaigns\.json: 1\.campaign_id: /);
  } finally {
    s.cleanup();
  }
});

test('explicit --truth that does not exist is an error; --interactions needs --decisions', async () => {
  await rejectsUser(loadEvalInput({ labels: F('labels.jsonl'), results: F('results'), truth: F('none.json') }), /none\.json: no such file/);
  await rejectsUser(
    loadEvalInput({ labels: F('labels.jsonl'), results: F('results'), interactions: F('interactions.jsonl.gz') }),
    /--interactions needs --decisions/,
  );
});

test('interactions file: bad line named with file:line', async () => {
  const s = scratch();
  try {
    const p = join(s.dir, 'interactions.jsonl');
    writeFileSync(p, '{"id":"a1-x","ts":"2025-03-01T00:00:00Z","account_id":"a1"}\n{"id":"a1-y","ts":"yesterday","account_id":"a1"}\n');
    await rejectsUser(
      loadEvalInput({ labels: F('labels.jsonl'), results: F('results'), decisions: F('decisions.jsonl'), interactions: p }),
      /interactions\.jsonl:2: ts: /,
    );
  } finally {
    s.cleanup();
  }
});
