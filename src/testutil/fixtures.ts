/** Test helpers: locate the repository root and fixture files, make scratch directories. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../util/paths.js';

export { repoRoot };

/** Path of a fixture under test/fixtures. */
export function fixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', ...parts);
}

/** Path under ../shared (corpora, STIX schemas). */
export function shared(...parts: string[]): string {
  return resolve(repoRoot(), '..', 'shared', ...parts);
}

/** A fresh scratch directory, removed by the returned cleanup. */
export function scratch(prefix = 'dg-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
