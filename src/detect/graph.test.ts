/** The linkage graph: what links accounts, how rarity weighs links, and the communities found. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../store/store.js';
import { buildAccountFeatures } from './features.js';
import { buildLinks, detectCommunities, splitCommunity } from './graph.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 3, 22);

/** Insert minimal interactions: (account, day, template, ip). */
async function seed(store: Store, rows: Array<[string, number, string | null, string]>): Promise<void> {
  const values = rows
    .map(
      ([a, d, t, ip], i) =>
        `('r${i}', ${T0 + d * DAY + i * 1000}, '${a}', '${ip}', 'general_chat', 0, 0, 'en', ${t === null ? 'NULL' : `'${t}'`}, NULL, 1, 0, 'f', ${i + 1})`,
    )
    .join(',');
  await store.run(`INSERT INTO interactions (id, ts, account_id, ip, capability, cot, rubric, lang, template, lsh, turns, tools, source_file, source_line)
    VALUES ${values}`);
}

test('accounts sharing a wrapper on the same days are linked; a lone account is not; rare IPs link, a busy NAT does not', async () => {
  const store = await Store.open(':memory:');
  try {
    const rows: Array<[string, number, string | null, string]> = [];
    // Operator: a1..a4 share wrapper W on days 0-4, from one small pool of proxy IPs.
    for (let d = 0; d < 5; d++) for (const a of ['a1', 'a2', 'a3', 'a4']) rows.push([a, d, 'wrapperW00000000', `10.0.0.${(d + a.charCodeAt(1)) % 3}`]);
    // Benign b1 uses wrapper W once, on another day: no same-day bucket with the operator.
    rows.push(['b1', 9, 'wrapperW00000000', '192.0.2.1']);
    // b2, b3: unrelated traffic, own templates and IPs.
    rows.push(['b2', 1, 'other00000000001', '192.0.2.2'], ['b3', 2, null, '192.0.2.3']);
    // A corporate NAT: 70 seats behind one address (more accounts than a proxy pool shares): no IP links.
    for (let k = 0; k < 70; k++) rows.push([`n${k}`, k % 7, null, '198.51.100.7']);
    await seed(store, rows);
    await buildAccountFeatures(store);
    const n = await buildLinks(store);
    assert.ok(n > 0);
    const links = await store.all<{ a: string; b: string; kind: string; keys: number }>(`SELECT a, b, kind, keys::INT AS keys FROM account_links ORDER BY a, b, kind`);
    const pairs = new Set(links.map((l) => `${l.a}-${l.b}`));
    for (const p of ['a1-a2', 'a3-a4']) assert.ok(pairs.has(p), `operator accounts linked (${p})`);
    assert.ok(!links.some((l) => l.a === 'b1' || l.b === 'b1'), 'b1 shares the wrapper but never on the same day: no link');
    assert.ok(!links.some((l) => ['b2', 'b3'].includes(l.a) || ['b2', 'b3'].includes(l.b)), 'unrelated accounts stay unlinked');
    assert.ok(links.some((l) => l.kind === 'ip'), 'IPs shared by few accounts link them');
    assert.ok(!links.some((l) => l.a.startsWith('n') || l.b.startsWith('n')), 'a busy NAT address links nobody');

    const comm = await detectCommunities(store);
    const c = ['a1', 'a2', 'a3', 'a4'].map((a) => comm.of.get(a));
    assert.ok(c.every((x) => x !== undefined && x === c[0]), 'the operator is one community');
    assert.equal(comm.of.get('b1'), undefined);
  } finally {
    store.close();
  }
});

test('within one shared key each account links to its next two around a ring: n accounts give min(n(n-1)/2, 2n) links', async () => {
  for (const n of [2, 3, 4, 5, 9]) {
    const store = await Store.open(':memory:');
    try {
      const rows: Array<[string, number, string | null, string]> = [];
      for (let k = 0; k < n; k++) rows.push([`acct${k}`, 0, 'wrapperR00000000', `203.0.113.${k}`]);
      await seed(store, rows);
      await buildAccountFeatures(store);
      await buildLinks(store);
      const links = await store.all<{ a: string; b: string }>(`SELECT a, b FROM account_links WHERE kind = 'template'`);
      assert.equal(links.length, Math.min((n * (n - 1)) / 2, 2 * n), `n = ${n}`);
      const degree = new Map<string, number>();
      for (const l of links) for (const x of [l.a, l.b]) degree.set(x, (degree.get(x) ?? 0) + 1);
      assert.equal(degree.size, n, 'every account is linked');
      for (const [a, d] of degree) assert.equal(d, Math.min(n - 1, 4), `${a} has two neighbours on each side (n = ${n})`);
    } finally {
      store.close();
    }
  }
});

test('splitCommunity separates two tightly knit groups joined by weaker links, keeps parts of at least minPart, and leaves small sets whole', async () => {
  const { UndirectedGraph } = await import('graphology');
  const g = new UndirectedGraph();
  const a = ['a1', 'a2', 'a3'];
  const b = ['b1', 'b2', 'b3', 'b4', 'b5'];
  for (const n of [...a, ...b, 'x']) g.addNode(n);
  const link = (p: string, q: string, w: number) => g.addEdge(p, q, { weight: w });
  // Each group: all pairs strongly linked. Between them: every pair weakly linked (shared public wrappers, proxies).
  for (const grp of [a, b]) for (let i = 0; i < grp.length; i++) for (let j = i + 1; j < grp.length; j++) link(grp[i]!, grp[j]!, 100);
  for (const p of a) for (const q of b) link(p, q, 8);
  // x is linked to one account of b only: it joins b rather than standing alone.
  link('x', 'b1', 5);
  const parts = splitCommunity(g, [...a, ...b, 'x']);
  assert.deepEqual(parts, [['a1', 'a2', 'a3'], ['b1', 'b2', 'b3', 'b4', 'b5', 'x']]);
  // With minPart 4, group a is too small to stand: nothing is split.
  assert.deepEqual(splitCommunity(g, [...a, ...b, 'x'], 4), [[...a, ...b, 'x']]);
  // Fewer than 2 * minPart members: left whole.
  assert.deepEqual(splitCommunity(g, ['a1', 'a2', 'b1', 'b2', 'b3']), [['a1', 'a2', 'b1', 'b2', 'b3']]);
  // One uniform clique of eight: Louvain finds nothing to split.
  const c = new UndirectedGraph();
  const ids = Array.from({ length: 8 }, (_, i) => `c${i}`);
  for (const n of ids) c.addNode(n);
  for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) c.addEdge(ids[i]!, ids[j]!, { weight: 10 });
  assert.deepEqual(splitCommunity(c, ids), [ids]);
});

test('the graph given to Louvain keeps each account only its strongest links: at most k edges per linked account, no hubs among equals, groups intact', async () => {
  const store = await Store.open(':memory:');
  try {
    // Two operators of 40 accounts, each account linked to every other of its operator (all pairs, equal weight), and
    // one weak link between the operators. A pair s1-s2 linked strongly besides.
    const ops = [0, 1].map((o) => Array.from({ length: 40 }, (_, i) => `op${o}_${String(i).padStart(2, '0')}`));
    const ids = [...ops.flat(), 's1', 's2'];
    await store.run(`CREATE OR REPLACE TABLE account_links (a VARCHAR, b VARCHAR, kind VARCHAR, weight DOUBLE, keys BIGINT)`);
    const vals: string[] = [];
    for (const grp of ops) for (let i = 0; i < grp.length; i++) for (let j = i + 1; j < grp.length; j++) vals.push(`('${grp[i]}', '${grp[j]}', 'ip', 1, 1)`);
    vals.push(`('${ops[0]![0]}', '${ops[1]![0]}', 'ip', 0.1, 1)`, `('s1', 's2', 'payment', 1, 1)`);
    await store.run(`INSERT INTO account_links VALUES ${vals.join(',')}`);
    const k = 6;
    const comm = await detectCommunities(store, 0.05, k);
    const g = comm.graph;
    assert.equal(comm.pairs, vals.length, 'the linked pairs before the bound are counted');
    assert.equal(g.order, ids.length, 'every linked account is in the graph');
    assert.ok(g.size <= k * g.order, `at most k edges per account (${g.size} edges)`);
    assert.ok(g.size < (2 * 40 * 39) / 2, 'the all-pairs groups were thinned');
    let maxDeg = 0;
    g.forEachNode((n) => {
      assert.ok(g.degree(n) >= (n.startsWith('s') ? 1 : k), `${n} keeps its strongest links`);
      maxDeg = Math.max(maxDeg, g.degree(n));
    });
    // Equal links are chosen by a hash of the pair, not by id order: no account is everybody's pick.
    assert.ok(maxDeg <= 3 * k, `no hub (highest degree ${maxDeg})`);
    assert.ok(!g.hasEdge(ops[0]![0]!, ops[1]![0]!), "the weak cross link is nobody's strongest and is dropped");
    assert.ok(g.hasEdge('s1', 's2'));
    const [c0, c1] = ops.map((grp) => new Set(grp.map((a) => comm.of.get(a))));
    assert.ok(![...c0!].some((c) => c1!.has(c)), 'the two operators never share a community');
    // With a bound above every degree, nothing is dropped.
    const all = await detectCommunities(store, 0.05, 1000);
    assert.equal(all.graph.size, vals.length);
  } finally {
    store.close();
  }
});
