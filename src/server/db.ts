/**
 * The dashboard's access to the store: one DuckDB connection, queries serialised through a queue (the web app asks
 * for several things at once; one connection must not run two statements at a time), user input bound as
 * parameters, and rows converted to plain JSON values (BIGINT and DECIMAL as numbers, timestamps as ISO text).
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { Store } from '../store/store.js';

export type Row = Record<string, unknown>;

/** DISTILLGUARD_TRACE=1 prints every query's time to stderr. */
const TRACE = process.env.DISTILLGUARD_TRACE === '1';
function trace(t: number, sql: string, rows: number): void {
  process.stderr.write(`[db] ${(performance.now() - t).toFixed(1)} ms, ${rows} rows: ${sql.replace(/\s+/g, ' ').trim().slice(0, 160)}\n`);
}

export class Db {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly store: Store) {}

  /** Runs `fn` when every earlier call has finished (a mutex over the connection). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  async all<T = Row>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return this.exclusive(() => this.allUnlocked<T>(sql, params));
  }

  /** Like `all`, for use inside `exclusive` (a transaction). */
  async allUnlocked<T = Row>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    const t = TRACE ? performance.now() : 0;
    const r = params.length ? await this.store.conn.runAndReadAll(sql, params) : await this.store.conn.runAndReadAll(sql);
    const rows = r.getRowObjectsJson() as unknown as T[];
    if (TRACE) trace(t, sql, rows.length);
    return rows;
  }

  async one<T = Row>(sql: string, params: DuckDBValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: DuckDBValue[] = []): Promise<void> {
    await this.exclusive(() => this.runUnlocked(sql, params));
  }

  async runUnlocked(sql: string, params: DuckDBValue[] = []): Promise<void> {
    const t = TRACE ? performance.now() : 0;
    if (params.length) await this.store.conn.run(sql, params);
    else await this.store.conn.run(sql);
    if (TRACE) trace(t, sql, 0);
  }

  /**
   * Runs `fn` with a Store on a connection of its own (same database, same instance): for long reads by other
   * modules (report, STIX export) that would otherwise hold the dashboard's queue for seconds. DuckDB runs
   * connections of one instance concurrently; the connection is closed afterwards.
   */
  async withSideStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const conn = await this.store.instance.connect();
    // Store's constructor is private to Store.open; this is the same object on another connection.
    const side = Object.assign(Object.create(Store.prototype) as Store, { path: this.store.path, instance: this.store.instance, conn });
    try {
      return await fn(side);
    } finally {
      conn.closeSync();
    }
  }

  /** Tables in the main schema, with their columns. */
  async tables(): Promise<Map<string, Set<string>>> {
    const rows = await this.all<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal`,
    );
    const m = new Map<string, Set<string>>();
    for (const r of rows) (m.get(r.t) ?? m.set(r.t, new Set()).get(r.t)!).add(r.c);
    return m;
  }
}

/** A number from a DuckDB JSON value (BIGINT comes back as text). */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

/** DuckDB's timestamp text (`2026-04-23 19:26:02.018`, UTC) as ISO-8601 with a zone. */
export function isoTime(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return new Date(v).toISOString();
  const s = String(v);
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s.replace(' ', 'T') : s.replace(' ', 'T') + 'Z');
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

/** Day number (days since 1970-01-01 UTC) as `YYYY-MM-DD`. */
export function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** A JSON text from `to_json(...)`, or a fallback. */
export function parseJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

/** Drops null members of an object (DuckDB structs unify keys across rows and fill the missing with null). */
export function compact<T extends Record<string, unknown>>(o: T | null | undefined): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== null && v !== undefined) out[k] = v;
  return out as Partial<T>;
}
