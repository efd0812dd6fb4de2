/**
 * Interactions from the store in timestamp order, as StreamRecords, chunk by chunk (DuckDB streams the sorted result;
 * memory holds one chunk of rows).
 */
import type { Store } from '../store/store.js';
import type { Account } from '../model/account.js';
import type { StreamRecord } from './account-state.js';

/** Columns read, cast to types that arrive in JS as numbers, strings, booleans or null. */
const COLS: ReadonlyArray<[keyof StreamRecord, string]> = [
  ['ts', 'ts::DOUBLE'],
  ['account_id', 'account_id'],
  ['org_id', 'org_id'],
  ['ip', 'ip'],
  ['asn', 'asn::DOUBLE'],
  ['user_agent', 'user_agent'],
  ['model', 'model'],
  ['turns', 'turns'],
  ['tools', 'tools'],
  ['reasoning_requested', 'reasoning_requested'],
  ['reasoning_budget', 'reasoning_budget'],
  ['reasoning_effort', 'reasoning_effort'],
  ['max_tokens', 'max_tokens'],
  ['capability', 'capability'],
  ['cot', 'cot::DOUBLE'],
  ['rubric', 'rubric::DOUBLE'],
  ['lang', 'lang'],
  ['template', 'template'],
  ['lsh', 'lsh'],
];

export type ReplayRecord = StreamRecord;

/** Calls `fn` with every interaction in (ts, id) order. */
export async function forEachInteraction(store: Store, fn: (r: ReplayRecord) => void): Promise<number> {
  const sql = `SELECT ${COLS.map(([k, e]) => `${e} AS ${k}`).join(', ')} FROM interactions ORDER BY ts, id`;
  const res = await store.conn.stream(sql);
  let n = 0;
  const width = COLS.length;
  for (;;) {
    const chunk = await res.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const cols = chunk.getColumns();
    const rows = chunk.rowCount;
    for (let i = 0; i < rows; i++) {
      const o: Record<string, unknown> = {};
      for (let c = 0; c < width; c++) o[COLS[c]![0]] = cols[c]![i] ?? null;
      fn(o as unknown as ReplayRecord);
      n++;
    }
  }
  return n;
}

/** Account records from the store. */
export async function loadAccounts(store: Store): Promise<Account[]> {
  const rows = await store.all<Record<string, unknown>>(
    `SELECT account_id, created_at::DOUBLE AS created_at, tier, verified, email_domain, payment_fingerprint, signup_ip, country, org_id FROM accounts`,
  );
  return rows.map((r) => ({
    account_id: String(r.account_id),
    created_at: r.created_at === null ? null : Number(r.created_at),
    tier: (r.tier as string | null) ?? null,
    verified: (r.verified as boolean | null) ?? null,
    email_domain: (r.email_domain as string | null) ?? null,
    payment_fingerprint: (r.payment_fingerprint as string | null) ?? null,
    signup_ip: (r.signup_ip as string | null) ?? null,
    country: (r.country as string | null) ?? null,
    org_id: (r.org_id as string | null) ?? null,
  }));
}
