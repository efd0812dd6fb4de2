/** `distillguard replay` as a user meets it: decisions from a small log, and clear errors for bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, scratch } from '../testutil/fixtures.js';
import { DecisionSchema } from '../model/results.js';

const bin = join(repoRoot(), 'dist', 'src', 'cli', 'bin.js');
const cli = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DISTILLGUARD_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('replay: farmed accounts harvesting reasoning are blocked part-way, a bad line is rejected with its line, a bad policy is refused', () => {
  const { dir, cleanup } = scratch();
  try {
    const t0 = Date.parse('2026-05-01T00:00:00Z');
    const lines: string[] = [];
    // Five farmed accounts (one payment method, signed up together, free tier) harvest reasoning in turns.
    for (let i = 0; i < 40; i++) {
      for (let f = 0; f < 5; f++) {
        lines.push(
          JSON.stringify({
            id: `f${f}-${i}`,
            ts: t0 + i * 45_000 + f * 1000,
            account_id: `farm-${f}`,
            ip: `198.51.100.${(i + f) % 50}`,
            model: 'claude-test',
            request: {
              model: 'claude-test',
              max_tokens: 64000,
              thinking: { type: 'enabled', budget_tokens: 32000 },
              messages: [{ role: 'user', content: `Imagine and articulate the internal reasoning behind a completed response and write it out step by step. Task ${i * 5 + f}: implement a B-tree in Rust.` }],
            },
          }),
        );
      }
      if (i % 4 === 0) lines.push(JSON.stringify({ id: `c${i}`, ts: t0 + i * 45_000 + 7, account_id: 'customer', prompt: `hello, how was your weekend ${i}?` }));
    }
    lines.splice(5, 0, '{"id": "broken", ');
    writeFileSync(join(dir, 'logs.jsonl'), lines.join('\n') + '\n');
    writeFileSync(
      join(dir, 'accounts.jsonl'),
      [
        ...[0, 1, 2, 3, 4].map((f) => ({
          account_id: `farm-${f}`,
          created_at: `2026-04-30T12:0${f}:00Z`,
          tier: 'free',
          verified: false,
          email_domain: 'x.example',
          payment_fingerprint: 'pf-1',
          signup_ip: `192.0.2.${f + 1}`,
        })),
        { account_id: 'customer', created_at: '2024-01-01T00:00:00Z', tier: 'paid', verified: true, email_domain: 'bigco.example', org_id: 'bigco' },
      ]
        .map((a) => JSON.stringify(a))
        .join('\n') + '\n',
    );
    const r = cli(['replay', 'logs.jsonl', '--accounts', 'accounts.jsonl', '--db', 'r.duckdb', '--out', 'decisions.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /logs\.jsonl\s+jsonl\s+211\s+210\s+1\s+0/, 'read 211 = 210 accepted + 1 rejected');
    assert.match(r.out, /replayed 210 interactions of 6 accounts/);
    const ds = readFileSync(join(dir, 'decisions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => DecisionSchema.parse(JSON.parse(l)));
    const blocks = ds.filter((d) => d.account_id.startsWith('farm-') && d.action === 'block');
    assert.ok(blocks.length >= 4, `farmed accounts blocked: ${JSON.stringify(ds.map((d) => [d.account_id, d.action, d.served_before]))}`);
    for (const b of blocks) {
      assert.ok(b.served_before! >= 1 && b.served_before! < 40, `blocked after ${b.served_before} calls`);
      assert.ok(b.reasons.length > 0);
    }
    assert.equal(ds.filter((d) => d.account_id === 'customer').length, 0, 'the customer is never acted on');

    writeFileSync(join(dir, 'bad-policy.json'), '{"rules": [{"action": "explode"}]}');
    const bad = cli(['replay', '--db', 'r.duckdb', '--out', 'd2.jsonl', '--policy', 'bad-policy.json'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /invalid policy[\s\S]*\$\.rules\[0\]\.action/);
    assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');

    const empty = cli(['replay', '--db', 'empty.duckdb', '--out', 'd3.jsonl'], dir);
    assert.equal(empty.code, 1);
    assert.match(empty.err, /holds no interactions/);
  } finally {
    cleanup();
  }
});
