/**
 * Interactions from the store in timestamp order, as StreamRecords, chunk by chunk (DuckDB streams the sorted result;
 * memory holds one chunk of rows).
 */
import type { Store } from '../store/store.js';
import type { Account } from '../model/account.js';
import type { StreamRecord } from './account-state.js';

/**
 * Columns read, cast to types that arrive in JS as numbers, strings, booleans or null. Low-cardinality strings
 * (`dict`) arrive as codes into a dictionary read up front, so every occurrence of a value is the same JS string.
 *
 * Measured (CPU profile of a seed-2026 scale-0.01 replay): decoding a fresh string per row and column was 15% of
 * replay, and every fresh string then had to be hashed and compared by content in each Map/Set it met (the link
 * index, shared keys, per-account state: another 25%+, and much of the GC). IPs stay plain strings: they are nearly
 * unique per interaction, so a dictionary would grow with the log.
 */
const COLS: ReadonlyArray<{ key: keyof StreamRecord; expr: string; dict?: boolean; nan?: boolean }> = [
  { key: 'ts', expr: 'ts::DOUBLE' },
  { key: 'account_id', expr: 'account_id', dict: true },
  { key: 'org_id', expr: 'org_id', dict: true },
  { key: 'ip', expr: 'ip' },
  { key: 'asn', expr: 'asn', nan: true },
  { key: 'user_agent', expr: 'user_agent', dict: true },
  { key: 'model', expr: 'model', dict: true },
  { key: 'turns', expr: 'turns', nan: true },
  { key: 'tools', expr: 'tools', nan: true },
  { key: 'reasoning_requested', expr: 'reasoning_requested' },
  { key: 'reasoning_budget', expr: 'reasoning_budget', nan: true },
  { key: 'reasoning_effort', expr: 'reasoning_effort', dict: true },
  { key: 'max_tokens', expr: 'max_tokens', nan: true },
  { key: 'capability', expr: 'capability', dict: true },
  { key: 'cot', expr: 'cot::DOUBLE' },
  { key: 'rubric', expr: 'rubric::DOUBLE' },
  { key: 'lang', expr: 'lang', dict: true },
  { key: 'template', expr: 'template', dict: true },
  { key: 'lsh', expr: 'lsh', dict: true },
];

export type ReplayRecord = StreamRecord;

/**
 * How a column is selected. NULLs become sentinels the column cannot otherwise hold (code -1; NaN for integers
 * read as DOUBLE; an IS NULL flag beside the IP), so that vectors carry no validity mask: measured (allocation
 * sampling of a reasoning-coercion replay), the client library's per-row validity test allocates BigInts, 16% of
 * all bytes allocated.
 */
function selectExpr(c: (typeof COLS)[number], i: number): string {
  if (c.dict) return `coalesce(d${i}.k, -1) AS ${c.key}`;
  if (c.nan) return `coalesce(i.${c.expr}::DOUBLE, 'NaN'::DOUBLE) AS ${c.key}`;
  if (c.key === 'ip') return `coalesce(i.ip, '') AS ip, i.ip IS NULL AS ip_null`;
  return `i.${c.expr} AS ${c.key}`;
}

/** A column's dictionary: its distinct non-null values, numbered in sort order. */
const dictSql = (col: string) =>
  `SELECT v, (row_number() OVER (ORDER BY v) - 1)::INTEGER AS k FROM (SELECT DISTINCT ${col} AS v FROM interactions WHERE ${col} IS NOT NULL)`;

/** Calls `fn` with every interaction in (ts, id) order. */
export async function forEachInteraction(store: Store, fn: (r: ReplayRecord) => void): Promise<number> {
  const dicts: Array<string[] | null> = [];
  for (const c of COLS) {
    if (!c.dict) {
      dicts.push(null);
      continue;
    }
    const rows = await store.all<{ v: string }>(`SELECT v FROM (${dictSql(c.expr)}) ORDER BY k`);
    dicts.push(rows.map((r) => r.v));
  }
  const select = COLS.map(selectExpr).join(', ');
  const joins = COLS.map((c, i) => (c.dict ? ` LEFT JOIN (${dictSql(c.expr)}) d${i} ON i.${c.expr} = d${i}.v` : '')).join('');
  const sql = `SELECT ${select} FROM interactions i${joins} ORDER BY i.ts, i.id`;
  const str = (d: string[] | null, code: unknown): string | null => ((code as number) < 0 ? null : d![code as number]!);
  const num = (v: unknown): number | null => (Number.isNaN(v) ? null : (v as number));
  const [, dAcc, dOrg, , , dUa, dModel, , , , , dEffort, , dCap, , , dLang, dTmpl, dLsh] = dicts;
  let n = 0;
  await store.forEachChunk(sql, (chunk) => {
    // Vectors by COLS index; the IP's null flag comes right after the IP.
    const c = COLS.map((_, i) => chunk.getColumnVector(i <= 3 ? i : i + 1));
    const ipNull = chunk.getColumnVector(4);
    const rows = chunk.rowCount;
    for (let i = 0; i < rows; i++) {
      // An object literal in StreamRecord order: one hidden class for every record.
      fn({
        ts: c[0]!.getItem(i) as number,
        account_id: str(dAcc!, c[1]!.getItem(i))!,
        org_id: str(dOrg!, c[2]!.getItem(i)),
        ip: ipNull.getItem(i) ? null : (c[3]!.getItem(i) as string),
        asn: num(c[4]!.getItem(i)),
        user_agent: str(dUa!, c[5]!.getItem(i)),
        model: str(dModel!, c[6]!.getItem(i)),
        turns: num(c[7]!.getItem(i))!,
        tools: num(c[8]!.getItem(i))!,
        reasoning_requested: c[9]!.getItem(i) as boolean,
        reasoning_budget: num(c[10]!.getItem(i)),
        reasoning_effort: str(dEffort!, c[11]!.getItem(i)),
        max_tokens: num(c[12]!.getItem(i)),
        capability: str(dCap!, c[13]!.getItem(i))!,
        cot: c[14]!.getItem(i) as number,
        rubric: c[15]!.getItem(i) as number,
        lang: str(dLang!, c[16]!.getItem(i))!,
        template: str(dTmpl!, c[17]!.getItem(i)),
        lsh: str(dLsh!, c[18]!.getItem(i)),
      });
      n++;
    }
  });
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
