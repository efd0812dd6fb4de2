/**
 * Partner intelligence in the analysis: accounts matching indicators imported with `distillguard stix import`
 * (table `intel_indicators`) get a boost to their log-odds and a reason `intel.partner_match` naming the source.
 *
 * Each indicator kind has a weight (how much a match says on its own). A kind's strength for an account is
 * weight × the partner's confidence × (for call-level kinds) the square root of the share of the account's calls that
 * match, the strongest indicator of the kind counting. Kinds combine as independent evidence (1 − Π(1 − s)). Weak
 * kinds (networks, addresses, ASNs, e-mail domains, reasoning phrases: legitimate users share them) count only next
 * to a strong one (payment, wrapper, system prompt, sign-up burst). The boost is MAX_BOOST × the combined strength.
 *
 * Keyed hashes are compared by hashing the store's own values under every community key kept in `intel_keys`.
 */
import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';
import { lit } from '../store/store.js';
import type { Reason } from '../model/results.js';
import { INTEL_META } from '../signals/intel.js';
import type { AccountRow } from './score.js';

type Kind = 'ip' | 'cidr' | 'asn' | 'email_domain' | 'email_domain_hmac' | 'payment_hmac' | 'signup_burst' | 'template_hmac' | 'system_prompt_hmac' | 'reasoning_phrase';

export const INTEL_KINDS: Record<Kind, { weight: number; strong: boolean; perCall: boolean; text: string }> = {
  payment_hmac: { weight: 1, strong: true, perCall: false, text: 'payment method (keyed hash)' },
  template_hmac: { weight: 0.9, strong: true, perCall: true, text: 'prompt wrapper (keyed hash)' },
  system_prompt_hmac: { weight: 0.5, strong: true, perCall: true, text: 'system prompt (keyed hash)' },
  signup_burst: { weight: 0.4, strong: true, perCall: false, text: 'sign-up burst' },
  ip: { weight: 0.5, strong: false, perCall: true, text: 'IP address' },
  cidr: { weight: 0.3, strong: false, perCall: true, text: 'network' },
  email_domain: { weight: 0.3, strong: false, perCall: false, text: 'e-mail domain' },
  email_domain_hmac: { weight: 0.3, strong: false, perCall: false, text: 'e-mail domain (keyed hash)' },
  asn: { weight: 0.1, strong: false, perCall: true, text: 'autonomous system' },
  reasoning_phrase: { weight: 0.15, strong: false, perCall: true, text: 'reasoning-elicitation phrase' },
};

/** Largest boost to an account's log-odds (full strength): enough to lift a borderline account, not a clean one alone. */
export const MAX_BOOST = 4;

interface IntelRow {
  idx: number;
  kind: Kind;
  value: string;
  confidence: number;
  valid_until: number | null;
  key_id: string | null;
  source_name: string;
  campaign: string | null;
}

export interface IntelMatch {
  /** Added to the account's log-odds. */
  boost: number;
  reason: Reason;
}

interface Hit {
  idx: number;
  /** Matching calls (call-level kinds) or 1. */
  n: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(Math.max(1e-12, p) / Math.max(1e-12, 1 - p));

async function tableExists(store: Store, name: string): Promise<boolean> {
  const r = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ${lit(name)}`);
  return Number(r?.n ?? 0) > 0;
}

function ipv4Int(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const p = m.slice(1).map(Number);
  return p.some((x) => x > 255) ? null : ((p[0]! * 256 + p[1]!) * 256 + p[2]!) * 256 + p[3]!;
}

function ipv6Big(s: string): bigint | null {
  const [head, tail, extra] = s.split('::');
  if (extra !== undefined) return null;
  const a = head ? head.split(':') : [];
  const b = tail !== undefined && tail ? tail.split(':') : [];
  if (tail === undefined && a.length !== 8) return null;
  const groups = [...a, ...new Array<string>(8 - a.length - b.length).fill('0'), ...b];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** [lo, hi] of a CIDR block (IPv4 as numbers, IPv6 as bigints). */
function cidrRange(c: string): { v4: [number, number] } | { v6: [bigint, bigint] } | null {
  const [addr, lenS] = c.split('/');
  if (!addr) return null;
  if (addr.includes(':')) {
    const a = ipv6Big(addr);
    const len = lenS === undefined ? 128 : Number(lenS);
    if (a === null || !(len >= 0 && len <= 128)) return null;
    const host = (1n << BigInt(128 - len)) - 1n;
    return { v6: [a & ~host, (a & ~host) | host] };
  }
  const a = ipv4Int(addr);
  const len = lenS === undefined ? 32 : Number(lenS);
  if (a === null || !(len >= 0 && len <= 32)) return null;
  const size = 2 ** (32 - len);
  const lo = Math.floor(a / size) * size;
  return { v4: [lo, lo + size - 1] };
}

async function loadTemp(store: Store, name: string, cols: string, rows: string[]): Promise<void> {
  await store.run(`CREATE OR REPLACE TEMP TABLE ${name} (${cols})`);
  for (let i = 0; i < rows.length; i += 2000) await store.run(`INSERT INTO ${name} VALUES ${rows.slice(i, i + 2000).join(',')}`);
}

const hmacOf = (key: Buffer, kind: string, v: string) => createHmac('sha256', key).update(`${kind}\u001f${v}`).digest('hex');

/** Local values whose keyed hash is among the wanted ones: local value -> indicator indexes. */
function hashedMatches(values: string[], kind: 'template' | 'system_prompt' | 'payment' | 'email_domain', keys: Map<string, Buffer>, wanted: IntelRow[]): Map<string, number[]> {
  const byHash = new Map<string, IntelRow[]>();
  for (const w of wanted) (byHash.get(w.value) ?? byHash.set(w.value, []).get(w.value)!).push(w);
  const out = new Map<string, number[]>();
  if (byHash.size === 0) return out;
  for (const [kid, key] of keys) {
    for (const v of values) {
      const norm = kind === 'email_domain' ? v.trim().toLowerCase() : v.trim();
      const hit = byHash.get(hmacOf(key, kind, norm));
      if (!hit) continue;
      const ok = hit.filter((w) => w.key_id === null || w.key_id === kid).map((w) => w.idx);
      if (ok.length) out.set(v, [...(out.get(v) ?? []), ...ok]);
    }
  }
  return out;
}

/** Accounts matching imported indicators, with their boost and reason (empty when nothing was imported). */
export async function matchIntel(store: Store, rows: AccountRow[]): Promise<Map<string, IntelMatch>> {
  const out = new Map<string, IntelMatch>();
  if (!(await tableExists(store, 'intel_indicators'))) return out;
  const raw = await store.all<Omit<IntelRow, 'idx'>>(`SELECT kind, value, confidence, valid_until, key_id, source_name, campaign FROM intel_indicators ORDER BY source_id, indicator_id, kind, value`);
  if (raw.length === 0) return out;
  const intel: IntelRow[] = raw
    .filter((r) => r.kind in INTEL_KINDS)
    .map((r, idx) => ({ ...r, idx, confidence: Math.min(100, Math.max(0, Number(r.confidence))) / 100, valid_until: r.valid_until === null ? null : Number(r.valid_until) }));
  const keys = new Map<string, Buffer>();
  if (await tableExists(store, 'intel_keys')) for (const k of await store.all<{ key_id: string; key_hex: string }>(`SELECT key_id, key_hex FROM intel_keys`)) keys.set(k.key_id, Buffer.from(k.key_hex, 'hex'));
  const of = (k: Kind) => intel.filter((r) => r.kind === k);
  const hits = new Map<string, Hit[]>();
  const add = (account: string, idx: number, n: number) => (hits.get(account) ?? hits.set(account, []).get(account)!).push({ idx, n: Number(n) });
  const until = (alias: string) => `(${alias}.valid_until IS NULL OR i.ts <= ${alias}.valid_until)`;

  // Call-level kinds: a temp table of (idx, value, valid_until) joined on the interactions.
  const callJoin = async (kinds: Kind[], cast: string, rowsOf: (r: IntelRow) => Array<[string, IntelRow]>) => {
    const vals = kinds.flatMap(of).flatMap(rowsOf);
    if (!vals.length) return;
    await loadTemp(store, 'dg_intel_v', 'idx INTEGER, v VARCHAR, valid_until BIGINT', vals.map(([v, r]) => `(${r.idx}, ${lit(v)}, ${r.valid_until ?? 'NULL'})`));
    for (const r of await store.all<{ account_id: string; idx: number; n: number }>(
      `SELECT i.account_id, w.idx, count(*)::BIGINT AS n FROM interactions i JOIN dg_intel_v w ON ${cast} = w.v WHERE ${until('w')} GROUP BY ALL`,
    ))
      add(r.account_id, Number(r.idx), r.n);
  };
  await callJoin(['ip', 'cidr'], 'i.ip', (r) => (r.kind === 'ip' || !r.value.includes('/') ? [[r.value, r]] : []));
  await callJoin(['asn'], 'i.asn::VARCHAR', (r) => [[r.value, r]]);

  // Networks: IPv4 by integer ranges in SQL, IPv6 in JS over the distinct v6 addresses.
  const v4: string[] = [];
  const v6: Array<[bigint, bigint, IntelRow]> = [];
  for (const r of of('cidr')) {
    if (!r.value.includes('/')) continue;
    const rg = cidrRange(r.value);
    if (rg && 'v4' in rg) v4.push(`(${r.idx}, ${rg.v4[0]}, ${rg.v4[1]}, ${r.valid_until ?? 'NULL'})`);
    else if (rg && 'v6' in rg) v6.push([rg.v6[0], rg.v6[1], r]);
  }
  if (v4.length) {
    await loadTemp(store, 'dg_intel_r', 'idx INTEGER, lo BIGINT, hi BIGINT, valid_until BIGINT', v4);
    for (const r of await store.all<{ account_id: string; idx: number; n: number }>(`
      WITH a AS (SELECT account_id, ts, TRY_CAST(split_part(ip, '.', 1) AS BIGINT) * 16777216 + TRY_CAST(split_part(ip, '.', 2) AS BIGINT) * 65536
                        + TRY_CAST(split_part(ip, '.', 3) AS BIGINT) * 256 + TRY_CAST(split_part(ip, '.', 4) AS BIGINT) AS v
                 FROM interactions WHERE ip IS NOT NULL AND ip NOT LIKE '%:%')
      SELECT i.account_id, w.idx, count(*)::BIGINT AS n FROM a i JOIN dg_intel_r w ON i.v BETWEEN w.lo AND w.hi WHERE ${until('w')} GROUP BY ALL`))
      add(r.account_id, Number(r.idx), r.n);
  }
  if (v6.length) {
    for (const r of await store.all<{ account_id: string; ip: string; n: number; last: number }>(`SELECT account_id, ip, count(*)::BIGINT AS n, max(ts)::BIGINT AS last FROM interactions WHERE ip LIKE '%:%' GROUP BY ALL`)) {
      const a = ipv6Big(r.ip);
      if (a === null) continue;
      for (const [lo, hi, w] of v6) if (a >= lo && a <= hi && (w.valid_until === null || Number(r.last) <= w.valid_until)) add(r.account_id, w.idx, r.n);
    }
  }

  // Keyed hashes of wrappers and system prompts: hash the store's distinct values, then count calls.
  for (const [kind, col, hk] of [
    ['template_hmac', 'template', 'template'],
    ['system_prompt_hmac', 'system_hash', 'system_prompt'],
  ] as const) {
    const wanted = of(kind);
    if (!wanted.length || !keys.size) continue;
    const local = (await store.all<{ v: string }>(`SELECT DISTINCT ${col} AS v FROM interactions WHERE ${col} IS NOT NULL`)).map((r) => r.v);
    const m = hashedMatches(local, hk, keys, wanted);
    if (!m.size) continue;
    await loadTemp(store, 'dg_intel_h', 'idx INTEGER, v VARCHAR', [...m].flatMap(([v, idxs]) => idxs.map((i) => `(${i}, ${lit(v)})`)));
    for (const r of await store.all<{ account_id: string; idx: number; n: number }>(`SELECT i.account_id, w.idx, count(*)::BIGINT AS n FROM interactions i JOIN dg_intel_h w ON i.${col} = w.v GROUP BY ALL`))
      add(r.account_id, Number(r.idx), r.n);
  }

  // Reasoning phrases (public text) in prompts that ask for reasoning.
  for (const r of of('reasoning_phrase'))
    for (const x of await store.all<{ account_id: string; n: number }>(
      `SELECT account_id, count(*)::BIGINT AS n FROM interactions i WHERE cot >= 0.3 AND contains(lower(prompt), ${lit(r.value)}) AND ${r.valid_until === null ? 'true' : `i.ts <= ${r.valid_until}`} GROUP BY 1`,
    ))
      add(x.account_id, r.idx, x.n);

  // Account-level kinds, from the account records.
  if (await tableExists(store, 'accounts')) {
    const accts = await store.all<{ account_id: string; payment_fingerprint: string | null; email_domain: string | null; tier: string | null; created_at: number | null }>(
      `SELECT account_id, payment_fingerprint, email_domain, tier, created_at::BIGINT AS created_at FROM accounts`,
    );
    const pay = hashedMatches([...new Set(accts.map((a) => a.payment_fingerprint).filter((x): x is string => !!x))], 'payment', keys, of('payment_hmac'));
    const dom = hashedMatches([...new Set(accts.map((a) => a.email_domain).filter((x): x is string => !!x))], 'email_domain', keys, of('email_domain_hmac'));
    const rawDom = new Map<string, number[]>();
    for (const r of of('email_domain')) rawDom.set(r.value, [...(rawDom.get(r.value) ?? []), r.idx]);
    const bursts = of('signup_burst').map((r) => {
      const [tier, from, to] = r.value.split('|');
      return { r, tier, from: Number(from), to: Number(to) };
    });
    for (const a of accts) {
      for (const i of (a.payment_fingerprint && pay.get(a.payment_fingerprint)) || []) add(a.account_id, i, 1);
      for (const i of (a.email_domain && dom.get(a.email_domain)) || []) add(a.account_id, i, 1);
      for (const i of (a.email_domain && rawDom.get(a.email_domain.toLowerCase())) || []) add(a.account_id, i, 1);
      if (a.created_at !== null && a.tier)
        for (const b of bursts) if (a.tier === b.tier && Number(a.created_at) >= b.from && Number(a.created_at) <= b.to) add(a.account_id, b.r.idx, 1);
    }
  }
  await store.run(`DROP TABLE IF EXISTS dg_intel_v; DROP TABLE IF EXISTS dg_intel_r; DROP TABLE IF EXISTS dg_intel_h;`);

  // Strength per account.
  const calls = new Map(rows.map((r) => [r.account_id, r.interactions]));
  for (const [account, hs] of hits) {
    const total = calls.get(account);
    if (!total) continue;
    const best = new Map<Kind, { s: number; idxs: Set<number> }>();
    for (const h of hs) {
      const row = intel[h.idx]!;
      const k = INTEL_KINDS[row.kind];
      const s = k.weight * row.confidence * (k.perCall ? Math.sqrt(Math.min(1, h.n / total)) : 1);
      const b = best.get(row.kind) ?? { s: 0, idxs: new Set<number>() };
      b.s = Math.max(b.s, s);
      b.idxs.add(h.idx);
      best.set(row.kind, b);
    }
    const strong = [...best].filter(([k]) => INTEL_KINDS[k].strong);
    if (!strong.length) continue;
    const combined = 1 - [...best.values()].reduce((p, b) => p * (1 - b.s), 1);
    const boost = Math.round(MAX_BOOST * combined * 1000) / 1000;
    if (boost <= 0) continue;
    const rowsHit = [...best.values()].flatMap((b) => [...b.idxs].map((i) => intel[i]!));
    const sources = [...new Set(rowsHit.map((r) => r.source_name))].sort();
    const campaigns = [...new Set(rowsHit.map((r) => r.campaign).filter((c): c is string => !!c))].sort();
    const what = [...best]
      .sort((a, b) => b[1].s - a[1].s)
      .map(([k, b]) => `${b.idxs.size > 1 ? `${b.idxs.size} × ` : ''}${INTEL_KINDS[k].text}`)
      .join(', ');
    out.set(account, {
      boost,
      reason: {
        signal: INTEL_META.id,
        contribution: boost,
        detail: `matches indicators shared by ${sources.join(', ')}${campaigns.length ? ` (${campaigns.slice(0, 3).join('; ')})` : ''}: ${what}`,
      },
    });
  }
  return out;
}

/** Add each matched account's boost to its log-odds (after scoring, before verdicts and campaigns). */
export function applyIntel(rows: AccountRow[], matches: Map<string, IntelMatch>): void {
  if (!matches.size) return;
  for (const r of rows) {
    const m = matches.get(r.account_id);
    if (m && r.score !== undefined) r.score = sigmoid(logit(r.score) + m.boost);
  }
}
