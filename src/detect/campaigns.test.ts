/**
 * Merging the parts of a campaign: parts that share most of their wrappers are one campaign, however many parts a
 * large campaign was split into; operators that share only a few public wrappers stay apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeByWrappers } from './campaigns.js';

const wrappers = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `${prefix}${String(from + i).padStart(15, '0')}`);

test('the parts of one large campaign (more than 50, all sharing its wrappers) merge into one', () => {
  const keySets = new Map<number, Set<string>>();
  const ops = wrappers('a', 100);
  // 80 parts, each using a different 60-wrapper slice of the operation's 100 wrappers.
  for (let g = 0; g < 80; g++) keySets.set(g, new Set(ops.filter((_, i) => (i + g) % 100 < 60)));
  const merged = mergeByWrappers([...keySets.keys()], keySets);
  assert.equal(merged.size, 1);
  assert.equal([...merged.values()][0]!.length, 80);
});

test('two operations sharing a few public wrappers stay two; a group without wrappers stays on its own', () => {
  const shared = wrappers('c', 3);
  const keySets = new Map<number, Set<string>>([
    [0, new Set([...wrappers('a', 20), ...shared])],
    [1, new Set([...wrappers('a', 20, 5), ...shared])],
    [2, new Set([...wrappers('b', 20), ...shared])],
    [3, new Set([...wrappers('b', 18, 2)])],
  ]);
  const merged = mergeByWrappers([0, 1, 2, 3, 4], keySets);
  const sets = [...merged.values()].map((g) => g.sort()).sort((x, y) => x[0]! - y[0]!);
  assert.deepEqual(sets, [[0, 1], [2, 3], [4]]);
});
