/**
 * The account linkage graph: accounts linked by what coordinated operators cannot avoid sharing, each link weighted
 * by how rare the shared thing is (a busy corporate NAT is weak evidence; a small pool shared only by new accounts
 * is strong):
 *  - the same prompt wrapper (exact or near-duplicate) in the same day: synchronised activity, as in SynchroTrap;
 *  - client IPs and sign-up networks shared by few accounts;
 *  - payment fingerprints;
 *  - sign-up bursts (accounts created within the same hour from the same network).
 * Links are built in SQL; within one shared key the accounts are joined in a ring of a few neighbours (ordered by a
 * hash), not all pairs, so a key shared by n accounts gives O(n) links and the graph grows with accounts, not with
 * interactions. Communities come from Louvain (graphology-communities-louvain).
 */
import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
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
  const ring = (src: string, kind: LinkKind) => `
    WITH k AS (SELECT key, account_id FROM (${src}) GROUP BY ALL),
         sized AS (SELECT key, account_id, count(*) OVER (PARTITION BY key) AS n,
                          row_number() OVER (PARTITION BY key ORDER BY hash(account_id || key)) AS r FROM k),
         kept AS (SELECT * FROM sized WHERE n BETWEEN 2 AND ${MAX_KEY_ACCOUNTS[kind]}),
         pairs AS (
           -- each account to the next RING accounts around the ring (equi-join on the wrapped rank)
           SELECT x.account_id AS a, y.account_id AS b, 1.0 / ln(1 + x.n) AS w
           FROM kept x CROSS JOIN range(1, ${RING + 1}) d(d)
           JOIN kept y ON y.key = x.key AND y.r = ((x.r - 1 + d.d) % x.n) + 1)
    SELECT least(a, b) AS a, greatest(a, b) AS b, '${kind}' AS kind, sum(w) AS weight, count(*) AS keys
    FROM pairs WHERE a <> b GROUP BY ALL`;
  const templateKeys = `
    SELECT template || ':' || (ts // 86400000) AS key, account_id FROM interactions WHERE template IS NOT NULL
    UNION ALL
    SELECT unnest(string_split(lsh, ' ')) || ':' || (ts // 86400000), account_id FROM interactions WHERE lsh IS NOT NULL AND lsh <> ''`;
  const ipKeys = `SELECT ip AS key, account_id FROM interactions WHERE ip IS NOT NULL`;
  const payKeys = `SELECT payment_fingerprint AS key, account_id FROM accounts WHERE payment_fingerprint IS NOT NULL
                   AND account_id IN (SELECT account_id FROM account_features)`;
  const signupKeys = `SELECT signup_net || ':' || (created_at // 3600000) AS key, account_id FROM acct_meta WHERE signup_net IS NOT NULL AND created_at IS NOT NULL
                      UNION ALL
                      SELECT signup_net || ':' || ((created_at + 1800000) // 3600000), account_id FROM acct_meta WHERE signup_net IS NOT NULL AND created_at IS NOT NULL`;
  await store.run(`
    CREATE OR REPLACE TABLE account_links AS
    SELECT * FROM (${ring(templateKeys, 'template')})
    UNION ALL SELECT * FROM (${ring(ipKeys, 'ip')})
    UNION ALL SELECT * FROM (${ring(payKeys, 'payment')})
    UNION ALL SELECT * FROM (${ring(signupKeys, 'signup')})`);
  const r = await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM account_links`);
  return Number(r?.n ?? 0);
}

/** Per-kind weight when the links are combined into one graph for community detection. */
export const KIND_WEIGHT: Record<LinkKind, number> = { template: 1, ip: 0.6, payment: 1.5, signup: 0.8 };

export interface Communities {
  /** account -> community id (accounts without links are absent). */
  of: Map<string, number>;
  /** community id -> members. */
  members: Map<number, string[]>;
  graph: UndirectedGraph;
}

type LouvainFn = (g: UndirectedGraph, o: { getEdgeWeight: string; rng: () => number; resolution: number }) => Record<string, number>;
// The package is CommonJS: at run time the default import is the function itself, which its typings do not say.
const louvain = louvainModule as unknown as LouvainFn;

/** Louvain communities over the combined, weighted link graph. Deterministic for the same links. */
export async function detectCommunities(store: Store, minWeight = 0.05): Promise<Communities> {
  const rows = await store.all<{ a: string; b: string; w: number }>(`
    SELECT a, b, sum(weight * CASE kind ${Object.entries(KIND_WEIGHT)
      .map(([k, w]) => `WHEN '${k}' THEN ${w}`)
      .join(' ')} ELSE 0 END) AS w
    FROM account_links GROUP BY a, b HAVING w >= ${minWeight} ORDER BY a, b`);
  const g = new UndirectedGraph({ multi: false, allowSelfLoops: false });
  for (const r of rows) {
    if (!g.hasNode(r.a)) g.addNode(r.a);
    if (!g.hasNode(r.b)) g.addNode(r.b);
    g.addEdge(r.a, r.b, { weight: Number(r.w) });
  }
  const of = new Map<string, number>();
  const members = new Map<number, string[]>();
  if (g.order === 0) return { of, members, graph: g };
  // A seeded generator keeps Louvain deterministic (it visits nodes in random order).
  let s = 0x9e3779b9;
  const rng = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const assignment = louvain(g, { getEdgeWeight: 'weight', rng, resolution: 1 });
  for (const [node, c] of Object.entries(assignment)) {
    of.set(node, c);
    let m = members.get(c);
    if (!m) members.set(c, (m = []));
    m.push(node);
  }
  return { of, members, graph: g };
}
