import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerProvenance } from '../cli/commands/provenance.js';
import { UserError } from '../cli/errors.js';
import { scratch } from '../testutil/fixtures.js';
import { AnswerGenerator } from './generator.js';
import { readKey } from './key.js';
import { Rng } from './rng.js';
import { createWatermarker } from './watermark.js';

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  registerProvenance(program, (t) => void (out += t));
  await program.parseAsync(['node', 'distillguard', 'provenance', ...args]);
  return out;
}

test('keygen, verify and plan from the command line', async () => {
  const { dir, cleanup } = scratch();
  try {
    const keyFile = join(dir, 'key.json');
    assert.match(await run(['keygen', '--out', keyFile]), /written/);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    await assert.rejects(run(['keygen', '--out', keyFile]), UserError);
    const key = readKey(keyFile);
    const rng = new Rng('cli-test');
    const gen = new AnswerGenerator();
    const wm = createWatermarker(key);
    const texts = Array.from({ length: 40 }, () => wm.text(gen.answer(rng)));
    const file = join(dir, 'suspect.jsonl');
    writeFileSync(file, texts.map((t, i) => JSON.stringify(i % 2 ? { text: t } : t)).join('\n') + '\n');
    const v = JSON.parse(await run(['verify', '--key', keyFile, file, '--json'])) as { p: number; keyId: string; texts: number };
    assert.equal(v.keyId, key.id);
    assert.equal(v.texts, 40);
    assert.ok(v.p < 1e-6);
    assert.match(await run(['verify', '--key', keyFile, file]), /WATERMARK PRESENT/);
    const plan = JSON.parse(await run(['plan', '--key', keyFile, '--texts', file, '--hit-rate', '0.7', '--json'])) as { outputs: number };
    assert.ok(plan.outputs > 0 && plan.outputs < 1e6);
    assert.match(await run(['plan', '--key', keyFile, '--target-p', '1e-9']), /suspect outputs/);
    // User errors: a bad key file, a bad JSONL line, a bad number.
    writeFileSync(join(dir, 'bad.json'), '{"secret": "xyz"}');
    await assert.rejects(run(['verify', '--key', join(dir, 'bad.json'), file]), /not a watermark key/);
    writeFileSync(join(dir, 'bad.jsonl'), 'not json\n');
    await assert.rejects(run(['verify', '--key', keyFile, join(dir, 'bad.jsonl')]), /bad\.jsonl:1: not JSON/);
    await assert.rejects(run(['plan', '--key', keyFile, '--hit-rate', '2']), UserError);
    assert.ok(readFileSync(keyFile, 'utf8').includes(key.secret));
  } finally {
    cleanup();
  }
});
