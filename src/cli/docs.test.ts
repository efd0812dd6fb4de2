import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliMarkdown, signalsMarkdown } from './docs.js';
import { repoRoot } from '../testutil/fixtures.js';

test('docs/cli.md matches the commands (regenerate with npm run docs)', () => {
  const onDisk = readFileSync(join(repoRoot(), 'docs', 'cli.md'), 'utf8');
  assert.equal(onDisk, cliMarkdown());
});

test('docs/signals.md matches the signal metadata (regenerate with npm run docs)', () => {
  const onDisk = readFileSync(join(repoRoot(), 'docs', 'signals.md'), 'utf8');
  assert.equal(onDisk, signalsMarkdown());
});
