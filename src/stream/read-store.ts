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
  for (;;) {
    const chunk = await res.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const c = chunk.getColumns() as unknown[][];
    const rows = chunk.rowCount;
    for (let i = 0; i < rows; i++) {
      // An object literal in COLS order: one hidden class for every record.
      fn({
        ts: c[0]![i] as number,
        account_id: c[1]![i] as string,
        org_id: c[2]![i] as string | null,
        ip: c[3]![i] as string | null,
        asn: c[4]![i] as number | null,
        user_agent: c[5]![i] as string | null,
        model: c[6]![i] as string | null,
        turns: c[7]![i] as number,
        tools: c[8]![i] as number,
        reasoning_requested: c[9]![i] as boolean,
        reasoning_budget: c[10]![i] as number | null,
        reasoning_effort: c[11]![i] as string | null,
        max_tokens: c[12]![i] as number | null,
        capability: c[13]![i] as string,
        cot: c[14]![i] as number,
        rubric: c[15]![i] as number,
        lang: c[16]![i] as string,
        template: c[17]![i] as string | null,
        lsh: c[18]![i] as string | null,
      });
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
