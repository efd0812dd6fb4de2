/** Test helpers: locate the repository root and fixture files, make scratch directories. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The repository root: the nearest folder above this module holding package.json. */
export function repoRoot(): string {
  if (root) return root;
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    d = up;
  }
  root = d;
  return d;
}

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
