/**
 * The streaming detector on its worker thread: fed the same log lines, it reaches exactly the verdicts of the
 * detector in process; it counts what it could not observe (too far behind, closed) instead of queueing without
 * bound; it stops cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { simulate } from '../simulate/index.js';
import { loadModel } from '../detect/analyze.js';
import { DEFAULT_NORMALIZE, normalize } from '../ingest/normalize.js';
import { AccountInputSchema, toAccount } from '../model/account.js';
import { scratch } from '../testutil/fixtures.js';
import { OnlineDetector } from './detector.js';
import { DetectorThread } from './detector-thread.js';

test('on its thread the detector reaches the same verdicts as in process, from the same log lines', async () => {
  const { dir, cleanup } = scratch();
  try {
    await simulate({ preset: 'seed-2026', scale: 0.001, seed: 5, outDir: join(dir, 'sim') });
    const accounts = readFileSync(join(dir, 'sim', 'accounts.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => toAccount(AccountInputSchema.parse(JSON.parse(l))));
    // The simulator's records are what a gateway logs: canonical records holding provider request/response bodies.
    const lines = gunzipSync(readFileSync(join(dir, 'sim', 'interactions.jsonl.gz')))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ l, ts: Date.parse((JSON.parse(l) as { ts: string }).ts) }))
      .sort((a, b) => a.ts - b.ts)
      .slice(0, 6000)
      .map((x) => x.l);
    const model = loadModel();
    const inline = new OnlineDetector(model, accounts);
    const thread = new DetectorThread(model, accounts);
    const ids = new Set<string>();
    for (const l of lines) {
      const n = normalize(JSON.parse(l) as Record<string, unknown>, DEFAULT_NORMALIZE, 'gateway', 0);
      assert.ok(n.ok);
      inline.observe(n.rec);
      ids.add(n.rec.account_id);
      thread.observeLine(l);
    }
    await thread.settled();
    assert.equal(thread.processed, lines.length);
    assert.equal(thread.dropped, 0);
    assert.equal(thread.rejected, 0);
    assert.deepEqual(await thread.stats(), { observed: lines.length, accounts: inline.accounts });
    let flagged = 0;
    for (const a of ids) {
      assert.deepEqual(thread.verdict(a), inline.verdict(a), a);
      if (inline.verdict(a)?.verdict !== 'benign') flagged++;
    }
    assert.ok(flagged > 0, 'the comparison covers accounts the detector flags');
    await thread.close();
  } finally {
    cleanup();
  }
});

test('the thread drops what it cannot keep up with, counts it and says so once; after close nothing is observed', async () => {
  const events: string[] = [];
  const thread = new DetectorThread(loadModel(), [], { maxBacklog: 10, onEvent: (m) => events.push(m) });
  const line = (i: number) => JSON.stringify({ id: `r${i}`, ts: 1_780_000_000_000 + i, account_id: `a${i % 3}`, prompt: `question ${i}`, completion: 'answer' });
  // Posted in one turn of the event loop: the worker cannot have processed any of them yet.
  for (let i = 0; i < 25; i++) thread.observeLine(line(i));
  assert.equal(thread.posted, 10);
  assert.equal(thread.dropped, 15);
  assert.equal(events.length, 1);
  assert.match(events[0]!, /10 calls behind/);
  await thread.settled();
  assert.equal(thread.processed, 10);
  assert.ok(thread.verdict('a0') !== undefined, 'verdicts come back');
  thread.observeLine('{"not": "an interaction"}');
  await thread.settled();
  assert.equal(thread.rejected, 1, 'a line that is no interaction is counted, not fatal');
  await thread.close();
  thread.observeLine(line(99));
  assert.equal(thread.dropped, 16);
  assert.equal(events.length, 2, 'the rejected line was reported; dropping after close is not an incident');
});
