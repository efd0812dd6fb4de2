/** `distillguard eval` through commander: table, --json, the written report, user errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../errors.js';
import { fixture, scratch } from '../../testutil/fixtures.js';
import { registerEval } from './eval.js';

/** Run `eval` with `args`, capturing stdout. */
async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  const chunks: string[] = [];
  registerEval(program, (t) => chunks.push(t));
  await program.parseAsync(['node', 'distillguard', 'eval', ...args]);
  return chunks.join('');
}

const F = (...p: string[]) => fixture('eval', ...p);

test('prints the table and writes the JSON report to --out', async () => {
  const s = scratch();
  try {
    const out = join(s.dir, 'sub', 'eval.json');
    const text = await run(['--labels', F('labels.jsonl'), '--results', F('results'), '--decisions', F('decisions.jsonl'), '--out', out]);
    assert.match(text, /^Accounts: 17 labelled, 10 in true campaigns/);
    assert.match(text, /distillation\s+8\s+1\s+2\s+6\s+88\.9%\s+80\.0%\s+84\.2%\s+14\.3%/);
    assert.match(text, /C1\s+6\s+54\s+F1\s+0\.667\s+35\s+-35\.2%/);
    assert.match(text, /C2\s+20\s+20\s+100\.0%/);
    assert.ok(text.includes(`Report written to ${out}`));
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.accounts.strict.tp, 8);
    assert.equal(report.online.campaigns[1].leakage, 1);
  } finally {
    s.cleanup();
  }
});

test('--json prints the report on stdout', async () => {
  const s = scratch();
  try {
    const out = join(s.dir, 'eval.json');
    const text = await run(['--labels', F('labels.jsonl'), '--results', F('results'), '--json', '--out', out]);
    const report = JSON.parse(text);
    assert.equal(report.online, null);
    assert.equal(report.campaigns.matches[0].best_match, 'F1');
    assert.equal(readFileSync(out, 'utf8'), text);
    assert.ok(!existsSync(join(F('results'), 'eval.json')), 'must not write into the fixture folder when --out is given');
  } finally {
    s.cleanup();
  }
});

test('missing labels is a UserError naming the file', async () => {
  await assert.rejects(run(['--labels', F('missing.jsonl'), '--results', F('results'), '--out', '/dev/null']), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /missing\.jsonl: no such file/);
    return true;
  });
});
