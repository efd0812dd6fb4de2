/**
 * Merging the parts of a campaign: parts that share most of their wrappers are one campaign, however many parts a
 * large campaign was split into; operators that share only a few public wrappers stay apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleCampaigns, mergeByWrappers } from './campaigns.js';
import type { AccountRow } from './score.js';
import { Store } from '../store/store.js';

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

test('a mixed account counts only the calls that carry the campaign\'s keys: its wrapper fingerprint, a near-duplicate band, its system prompt', async () => {
  const store = await Store.open(':memory:');
  try {
    const W = 'aaaaaaaaaaaaaaa1';
    const rows: string[] = [];
    const q = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);
    const add = (a: string, template: string, lsh: string, system: string | null) =>
      rows.push(`('r${rows.length}', ${Date.UTC(2026, 3, 22) + rows.length * 60_000}, '${a}', 'm1', 'coding', ${q(template)}, ${q(lsh)}, ${q(system)}, 'f', ${rows.length + 1})`);
    const own = (tag: string, i: number) => [`${tag.repeat(14)}${String(i).padStart(2, '0')}`, `0${tag.repeat(6)}${String(i).padStart(2, '0')} 1${tag.repeat(6)}${String(i).padStart(2, '0')}`] as const;
    // Four pure operator accounts: every call in the wrapper (fingerprint W, bands 0aaaaaaa1 and 1aaaaaaa1) under
    // system prompt S.
    for (const a of ['o1', 'o2', 'o3', 'o4']) for (let i = 0; i < 30; i++) add(a, W, '0aaaaaaa1 1aaaaaaa1', 'S');
    // A resold account, 40 calls, each kind of match on its own so that each is needed:
    for (let i = 0; i < 20; i++) add('m1', W, own('d', i)[1], null); // the fingerprint only (its bands are its own)
    for (let i = 0; i < 4; i++) add('m1', own('c', i)[0], `0aaaaaaa1 ${own('c', i)[1].split(' ')[1]}`, null); // one band only
    for (let i = 0; i < 4; i++) add('m1', ...own('e', i), 'S'); // the system prompt only
    for (let i = 0; i < 12; i++) add('m1', ...own('b', i), null); // its own customers' calls
    // A benign account that once used the same public wrapper: not flagged, not counted.
    add('b1', W, '0aaaaaaa1 1aaaaaaa1', null);
    await store.run(`INSERT INTO interactions (id, ts, account_id, model, capability, template, lsh, system_hash, source_file, source_line) VALUES ${rows.join(',')}`);
    const accounts = ['o1', 'o2', 'o3', 'o4', 'm1', 'b1'];
    const n = (a: string) => (a === 'm1' ? 40 : a === 'b1' ? 1 : 30);
    const rowsOf: AccountRow[] = accounts.map((a) => ({ account_id: a, interactions: n(a), first_ts: 0, last_ts: 0, x1: [], score: a === 'b1' ? 0.01 : 0.99, community: a === 'b1' ? undefined : 7 }));
    const verdict = new Map(accounts.map((a) => [a, a === 'b1' ? ('benign' as const) : ('distillation' as const)]));
    const res = await assembleCampaigns(store, rowsOf, verdict);
    assert.equal(res.campaigns.length, 1);
    const c = res.campaigns[0]!;
    assert.deepEqual(c.account_ids, ['m1', 'o1', 'o2', 'o3', 'o4']);
    assert.equal(res.share.get('o1'), 1);
    assert.ok(Math.abs(res.share.get('m1')! - 28 / 40) < 1e-9, `m1's share is its matched calls (${res.share.get('m1')})`);
    assert.equal(c.interactions, 4 * 30 + 28);
    assert.ok(c.indicators.template_fingerprints.includes(W));
    assert.equal(res.campaignOf.get('b1'), undefined);
  } finally {
    store.close();
  }
});
