/**
 * The account linkage graph: accounts linked by what coordinated operators cannot avoid sharing, each link weighted
 * by how rare the shared thing is (a busy corporate NAT is weak evidence; a small pool shared only by new accounts
 * is strong):
 *  - the same prompt wrapper (exact or near-duplicate) in the same day: synchronised activity, as in SynchroTrap;
 *  - client IPs and sign-up networks shared by few accounts;
 *  - payment fingerprints;
 *  - sign-up bursts (accounts created within the same hour from the same network).
 * Links are built in SQL; within one shared key the accounts are joined in a ring of a few neighbours (ordered by a
 * hash), not all pairs, so a key shared by n accounts gives O(n) links rather than O(n^2). An account in many keys
 * (an operator rotating through a proxy pool) still gathers links to hundreds of others, so community detection takes
 * only each account's strongest links (`GRAPH_NEIGHBOURS`): the graph it holds has at most that many edges per linked
 * account and grows with accounts, not with interactions. Communities come from Louvain (graphology-communities-louvain).
 */
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { LSH_BANDS } from '../signals/text/template.js';
import type { Store } from '../store/store.js';

export const LINK_KINDS = ['template', 'ip', 'payment', 'signup'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export const LINK_TEXT: Record<LinkKind, string> = {
  template: 'the same prompt wrapper on the same days',
  ip: 'client IP addresses used by few accounts',
  payment: 'the same payment fingerprint',
  signup: 'signed up within the same hour from the same network',
};

/** Keys shared by more accounts than this are too common to link on (NATs, popular wrappers of public tools). */
const MAX_KEY_ACCOUNTS: Record<LinkKind, number> = { template: 5000, ip: 64, payment: 64, signup: 200 };
/** Neighbours on each side in the ring built per key. */
const RING = 2;

export interface Link {
  a: string;
  b: string;
  kind: LinkKind;
  weight: number;
  /** How many shared keys support the link. */
  keys: number;
}

/**
 * Build `account_links(a, b, kind, weight, keys)` with a < b. Rarity weight of a key shared by n accounts: 1/ln(1+n).
 */
export async function buildLinks(store: Store): Promise<number> {
  // In steps, each materialised, so that DuckDB can spill between them: (1) distinct (key, account) pairs with the
  // key hashed to 64 bits (tens of millions of rows at scale 0.1: the wrapper and MinHash-band keys of every
  // interaction); (2) the keys shared by 2..max accounts (most keys belong to one account and drop out here);
  // (3) the ring within each kept key. A single query with windows over all pairs ran out of memory at 1 GB.
  const ring = async (srcs: string[], kind: LinkKind) => {
    await store.run(`CREATE OR REPLACE TEMP TABLE lk (key UBIGINT, aid INTEGER)`);
    for (const src of srcs) {
      await store.run(`INSERT INTO lk SELECT DISTINCT hash(k.key), ids.aid FROM (${src}) k JOIN link_ids ids USING (account_id)`);
    }
    // The ring by windows (no self-join): each account's next RING accounts in hash order, wrapping around.
    await store.run(`
      CREATE OR REPLACE TEMP TABLE lk_pairs AS
      WITH ks AS (SELECT key, count(DISTINCT aid) AS n FROM lk GROUP BY key HAVING count(DISTINCT aid) BETWEEN 2 AND ${MAX_KEY_ACCOUNTS[kind]}),
           u AS (SELECT DISTINCT key, aid FROM lk SEMI JOIN ks USING (key)),
           w AS (
             SELECT u.key, u.aid, ks.n,
               ${Array.from({ length: RING }, (_, i) => {
                 const d = i + 1;
                 // Past the end, the ring wraps to position r + d - n (1-based).
                 const wrap = Array.from({ length: d }, (_, t) => `WHEN ${t + 1} THEN nth_value(u.aid, ${t + 1}) OVER (o ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`).join(' ');
                 return `coalesce(lead(u.aid, ${d}) OVER o, CASE row_number() OVER o + ${d} - ks.n ${wrap} END) AS nb${d}`;
               }).join(',\n               ')}
             FROM u JOIN ks USING (key)
             WINDOW o AS (PARTITION BY u.key ORDER BY hash(u.aid, u.key)))
      ${Array.from({ length: RING }, (_, i) => `SELECT aid AS a, nb${i + 1} AS b, 1.0 / ln(1 + n) AS w FROM w WHERE nb${i + 1} IS NOT NULL AND nb${i + 1} <> aid`).join('\n      UNION ALL ')}`);
    await store.run(`
      INSERT INTO account_links
      WITH agg AS (SELECT least(a, b) AS a, greatest(a, b) AS b, sum(w) AS weight, count(*) AS keys FROM lk_pairs GROUP BY ALL)
      SELECT ia.account_id, ib.account_id, '${kind}', weight, keys
      FROM agg JOIN link_ids ia ON ia.aid = agg.a JOIN link_ids ib ON ib.aid = agg.b`);
  };
  // The same wrapper on the same day: synchronised activity.
  const templateKeys = wrapperKeySources(true);
  const ipKeys = `SELECT ip AS key, account_id FROM interactions WHERE ip IS NOT NULL`;
  const payKeys = `SELECT payment_fingerprint AS key, account_id FROM accounts WHERE payment_fingerprint IS NOT NULL
                   AND account_id IN (SELECT account_id FROM account_features)`;
  const signupKeys = `SELECT signup_net || ':' || (created_at // 3600000) AS key, account_id FROM acct_meta WHERE signup_net IS NOT NULL AND created_at IS NOT NULL
                      UNION ALL
                      SELECT signup_net || ':' || ((created_at + 1800000) // 3600000), account_id FROM acct_meta WHERE signup_net IS NOT NULL AND created_at IS NOT NULL`;
  await store.run(`CREATE OR REPLACE TABLE account_links (a VARCHAR, b VARCHAR, kind VARCHAR, weight DOUBLE, keys BIGINT)`);
  await store.run(`CREATE OR REPLACE TEMP TABLE link_ids AS SELECT account_id, (row_number() OVER (ORDER BY account_id))::INTEGER AS aid FROM account_features`);
  await ring(templateKeys, 'template');
  await ring([ipKeys], 'ip');
  await ring([payKeys], 'payment');
  await ring([signupKeys], 'signup');
  await store.run(`DROP TABLE IF EXISTS lk; DROP TABLE IF EXISTS lk_pairs; DROP TABLE IF EXISTS link_ids`);
  const r = await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM account_links`);
  return Number(r?.n ?? 0);
}

/**
 * SQL sources of `(account_id, key)` for the wrapper of every interaction: its template fingerprint, and each of its
 * MinHash bands as its own source (one source per band keeps each DuckDB step small: the bands are most of the rows).
 * `perDay` scopes a key to the UTC day of the call. The kinds of key never collide (a fingerprint is 16 hex digits,
 * a band key 9 hex digits led by the band's number: src/signals/text/template.ts), so rows distinct within each
 * source are distinct across them.
 */
export function wrapperKeySources(perDay: boolean): string[] {
  const day = perDay ? ` || ':' || (ts // 86400000)` : '';
  return [
    `SELECT account_id, template${day} AS key FROM interactions WHERE template IS NOT NULL`,
    ...Array.from(
      { length: LSH_BANDS },
      (_, i) => `SELECT account_id, string_split(lsh, ' ')[${i + 1}]${day} AS key FROM interactions WHERE lsh IS NOT NULL AND lsh <> '' AND len(string_split(lsh, ' ')) > ${i}`,
    ),
  ];
}

/** Per-kind weight when the links are combined into one graph for community detection. */
export const KIND_WEIGHT: Record<LinkKind, number> = { template: 1, ip: 0.6, payment: 1.5, signup: 0.8 };

export interface Communities {
  /** account -> community id (accounts without links are absent). */
  of: Map<string, number>;
  /** community id -> members. */
  members: Map<number, string[]>;
  graph: UndirectedGraph;
  /** Distinct linked pairs before the graph was bounded to each account's strongest links (`graph.size` after). */
  pairs: number;
}

type LouvainOptions = { getEdgeWeight: string; rng: () => number; resolution: number };
type LouvainFn = ((g: UndirectedGraph, o: LouvainOptions) => Record<string, number>) & {
  detailed: (g: UndirectedGraph, o: LouvainOptions) => { communities: Record<string, number> };
};
// The package is CommonJS: at run time the default import is the function itself, which its typings do not say.
const louvain = louvainModule as unknown as LouvainFn;

/** A seeded generator keeps Louvain deterministic (it visits nodes in random order). */
function seededRng(): () => number {
  let s = 0x9e3779b9;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Split a set of accounts (the flagged members of one community) by their links among themselves. Modularity over a
 * whole graph of hundreds of thousands of accounts cannot resolve small groups (the resolution limit: Fortunato and
 * Barthélemy, PNAS 104, 36, 2007), so two small operations linked by shared public wrappers or proxy pools can fall
 * into one community; within the community's own subgraph Louvain separates them. A single operation is split too
 * (its accounts work in sub-teams, days and wrapper rotations, which gives its links structure of their own: Louvain
 * on one simulated campaign's accounts finds modularity 0.4-0.5, more than on two small operators fused into one
 * community, about 0.1), so no modularity threshold can tell the two cases apart; campaign assembly merges the parts
 * that share the same wrappers again (src/detect/campaigns.ts). Parts smaller than `minPart` (too small to have wrappers of their own there) join the
 * part they are most strongly linked to. Returns one part when there is nothing to split.
 */
export function splitCommunity(graph: UndirectedGraph, members: string[], minPart = 3): string[][] {
  if (members.length < 2 * minPart) return [members];
  const sub = new UndirectedGraph({ multi: false, allowSelfLoops: false });
  const set = new Set(members);
  for (const m of members) if (graph.hasNode(m)) sub.addNode(m);
  for (const m of members) {
    if (!graph.hasNode(m)) continue;
    graph.forEachEdge(m, (_e, attr, a, b) => {
      if (a === m && set.has(b) && !sub.hasEdge(a, b)) sub.addEdge(a, b, { weight: Number(attr.weight) });
    });
  }
  if (sub.size === 0) return [members];
  const d = louvain.detailed(sub, { getEdgeWeight: 'weight', rng: seededRng(), resolution: 1 });
  const byPart = new Map<number, string[]>();
  for (const [n, c] of Object.entries(d.communities)) (byPart.get(c) ?? byPart.set(c, []).get(c)!).push(n);
  // Parts of minPart or more accounts stand; the others (and members without links among the flagged) join the part
  // they are most strongly linked to.
  const parts = [...byPart.values()].filter((p) => p.length >= minPart);
  if (parts.length < 2) return [members];
  const partOf = new Map<string, number>();
  parts.forEach((p, i) => p.forEach((n) => partOf.set(n, i)));
  for (const m of members) {
    if (partOf.has(m)) continue;
    const w = new Array<number>(parts.length).fill(0);
    if (sub.hasNode(m))
      sub.forEachNeighbor(m, (nb) => {
        const c = partOf.get(nb);
        if (c !== undefined) w[c]! += Number(sub.getEdgeAttribute(m, nb, 'weight'));
      });
    parts[w.indexOf(Math.max(...w))]!.push(m);
  }
  const out = parts.map((p) => p.sort());
  return out.length > 1 ? out.sort((a, b) => a[0]!.localeCompare(b[0]!)) : [members];
}

/**
 * Neighbours each account keeps in the graph given to Louvain: its strongest combined links (a link stays when it is
 * among the strongest of either end, so every account keeps at least this many where it has them, and the graph has
 * at most this many edges per linked account). Without a bound the link graph grows faster than the accounts: an
 * operator's accounts rotating through a shared proxy pool link to hundreds of each other (at `seed-2026`
 * scale 0.1, 2.2M linked pairs among 15k linked accounts; at scale 1, 65.9M among 189k: `analyze` prints them), and
 * graphology holds every edge as objects in one JavaScript Map, which V8 caps at 2^24 entries
 * (scale 1 stopped there: docs/benchmarks.md). Sparsifying to the k strongest neighbours (a k-nearest-neighbour graph)
 * keeps the dense groups dense and connected, which is what modularity needs; an account's link strength per kind
 * (score.ts) is still summed over all its links in SQL. The `coordination.graph` signal's rationale
 * (src/signals/account.ts) names this number.
 */
export const GRAPH_NEIGHBOURS = 16;

/**
 * Louvain communities over the combined, weighted link graph, bounded to each account's `neighbours` strongest links.
 * Deterministic for the same links (ties among equally strong links are broken by a hash of the pair, not by account
 * id, which would make the lowest ids hubs).
 */
export async function detectCommunities(store: Store, minWeight = 0.05, neighbours = GRAPH_NEIGHBOURS): Promise<Communities> {
  // In steps, each materialised so that DuckDB can spill between them, on integer ids (at scale 1 one query on the
  // account ids ran out of the 1 GB budget).
  const k = Math.max(1, Math.floor(neighbours));
  await store.run(`CREATE OR REPLACE TEMP TABLE g_ids AS
    SELECT id AS account_id, (row_number() OVER (ORDER BY id))::INTEGER AS aid FROM (SELECT a AS id FROM account_links UNION SELECT b FROM account_links)`);
  // Rounded: a parallel sum of doubles can differ in its last bits from run to run, which would reorder equally strong
  // links and change which neighbours an account keeps.
  await store.run(`CREATE OR REPLACE TEMP TABLE g_pairs AS
    SELECT ia.aid AS a, ib.aid AS b, round(sum(weight * CASE kind ${Object.entries(KIND_WEIGHT)
      .map(([kind, w]) => `WHEN '${kind}' THEN ${w}`)
      .join(' ')} ELSE 0 END), 9)::DOUBLE AS w
    FROM account_links l JOIN g_ids ia ON ia.account_id = l.a JOIN g_ids ib ON ib.account_id = l.b
    GROUP BY ALL HAVING w >= ${minWeight}`);
  await store.run(`CREATE OR REPLACE TEMP TABLE g_top AS
    SELECT x, y, w FROM (SELECT a AS x, b AS y, w FROM g_pairs UNION ALL SELECT b, a, w FROM g_pairs)
    QUALIFY row_number() OVER (PARTITION BY x ORDER BY w DESC, hash(least(x, y), greatest(x, y))) <= ${k}`);
  const pairs = Number((await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM g_pairs`))?.n ?? 0);
  await store.run(`DROP TABLE g_pairs`);
  // Streamed chunk by chunk into the graph: materialising every pair as a row object first held them all beside the
  // graph at the analysis's memory peak.
  const g = new UndirectedGraph({ multi: false, allowSelfLoops: false });
  await store.forEachChunk(`
    SELECT ia.account_id AS a, ib.account_id AS b, e.w
    FROM (SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b, w FROM g_top) e
    JOIN g_ids ia ON ia.aid = e.a JOIN g_ids ib ON ib.aid = e.b ORDER BY 1, 2`,
    (chunk) => {
      const ca = chunk.getColumnVector(0);
      const cb = chunk.getColumnVector(1);
      const cw = chunk.getColumnVector(2);
      for (let i = 0; i < chunk.rowCount; i++) {
        const a = ca.getItem(i) as string;
        const b = cb.getItem(i) as string;
        if (!g.hasNode(a)) g.addNode(a);
        if (!g.hasNode(b)) g.addNode(b);
        g.addEdge(a, b, { weight: cw.getItem(i) as number });
      }
    },
  );
  await store.run(`DROP TABLE IF EXISTS g_top; DROP TABLE IF EXISTS g_ids`);
  const of = new Map<string, number>();
  const members = new Map<number, string[]>();
  if (g.order === 0) return { of, members, graph: g, pairs };
  const assignment = louvain(g, { getEdgeWeight: 'weight', rng: seededRng(), resolution: 1 });
  for (const [node, c] of Object.entries(assignment)) {
    of.set(node, c);
    let m = members.get(c);
    if (!m) members.set(c, (m = []));
    m.push(node);
  }
  return { of, members, graph: g, pairs };
}
