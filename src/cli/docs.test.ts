import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliMarkdown } from './docs.js';
import { repoRoot } from '../testutil/fixtures.js';

test('docs/cli.md matches the commands (regenerate with npm run docs)', () => {
  const onDisk = readFileSync(join(repoRoot(), 'docs', 'cli.md'), 'utf8');
  assert.equal(onDisk, cliMarkdown());
});
