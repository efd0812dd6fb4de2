/**
 * The embedded analytical store: one DuckDB file, no server.
 *
 * Tables: interactions (compact columns, see model/interaction.ts), accounts, ingest_runs, ingest_files, rejects.
 * Loading goes through CSV staging files that DuckDB reads in bulk (its CSV reader is multi-threaded C++; appending
 * row by row from JS is far slower).
 */
import { DuckDBConnection, DuckDBInstance, type DuckDBDataChunk } from '@duckdb/node-api';
import { ACCOUNT_COLUMNS } from '../model/account.js';
import { INTERACTION_COLUMNS } from '../model/interaction.js';

export const DEFAULT_DB = 'distillguard.duckdb';
/**
 * DuckDB's memory budget while ingesting: loads come in batches of 250k rows, so a small budget suffices, and the
 * rest of the process (worker threads parsing) stays within 1.5 GB whatever the file size.
 */
export const INGEST_MEMORY = '512MB';
export const SCHEMA_VERSION = 1;

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function columnsStruct(cols: ReadonlyArray<readonly [string, string]>): string {
  return '{' + cols.map(([n, t]) => `${lit(n)}: ${lit(t)}`).join(', ') + '}';
}

/** read_csv over staging files written by ingest/chunk.ts: no header, strings quoted, an empty field is NULL. */
function stagingCsv(files: string[], cols: ReadonlyArray<readonly [string, string]>, maxLineBytes: number): string {
  const list = '[' + files.map(lit).join(', ') + ']';
  return `read_csv(${list}, header = false, columns = ${columnsStruct(cols)}, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, new_line = '\\n', max_line_size = ${Math.max(1 << 20, Math.ceil(maxLineBytes))})`;
}

export interface StoreOptions {
  /** DuckDB memory limit, e.g. '1GB'. Large loads spill to a temp directory beside the database. */
  memoryLimit?: string;
  threads?: number;
  readOnly?: boolean;
}

/** Staging files of one load: interaction rows, their keys (one key file per row file) and system prompts. */
export interface StagedFiles {
  rows: string[];
  ids: string[];
  systems: string[];
}

/**
 * DISTILLGUARD_TRACE=1: each statement's time on stderr when it ends, and the statement that failed when one does
 * (a long analysis that stops with a DuckDB error otherwise does not say at which step).
 */
const TRACE = process.env.DISTILLGUARD_TRACE === '1';
async function traced<T>(sql: string, fn: () => Promise<T>): Promise<T> {
  if (!TRACE) return fn();
  const t = performance.now();
  const what = () => `${((performance.now() - t) / 1000).toFixed(1)} s: ${sql.replace(/\s+/g, ' ').trim().slice(0, 200)}\n`;
  try {
    const v = await fn();
    process.stderr.write(`[store] ${what()}`);
    return v;
  } catch (err) {
    process.stderr.write(`[store] failed after ${what()}`);
    throw err;
  }
}

export class Store {
  private constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string = DEFAULT_DB, opts: StoreOptions = {}): Promise<Store> {
    const config: Record<string, string> = {};
    // DuckDB takes 80% of RAM by default; ingest and analysis must stay small beside the worker threads, so the store
    // gets a fixed budget (DISTILLGUARD_DUCKDB_MEMORY overrides) and spills to disk beyond it.
    config.memory_limit = opts.memoryLimit ?? process.env.DISTILLGUARD_DUCKDB_MEMORY ?? '1GB';
    if (opts.threads) config.threads = String(opts.threads);
    // Results are ordered explicitly where order matters; without insertion order DuckDB can stream and spill more.
    config.preserve_insertion_order = 'false';
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      throw new Error(`cannot open the store ${path}: ${(err as Error).message}`, { cause: err });
    }
    const conn = await instance.connect();
    const s = new Store(path, instance, conn);
    if (!opts.readOnly) await s.migrate();
    return s;
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }

  async run(sql: string): Promise<void> {
    await traced(sql, () => this.conn.run(sql));
  }

  /** Rows as plain JSON-compatible objects (BIGINT as number where it fits). */
  async all<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const r = await traced(sql, () => this.conn.runAndReadAll(sql));
    return r.getRowObjectsJson() as unknown as T[];
  }

  /** Hands the result of `sql` to `fn` chunk by chunk: DuckDB streams it, so memory holds one chunk of rows. */
  async forEachChunk(sql: string, fn: (chunk: DuckDBDataChunk) => void): Promise<void> {
    await traced(sql, async () => {
      const res = await this.conn.stream(sql);
      for (;;) {
        const chunk = await res.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) return;
        fn(chunk);
      }
    });
  }

  async one<T = Record<string, unknown>>(sql: string): Promise<T | undefined> {
    return (await this.all<T>(sql))[0];
  }

  private async migrate(): Promise<void> {
    const icols = INTERACTION_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ');
    const acols = ACCOUNT_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ');
    await this.run(`
      CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
      INSERT OR IGNORE INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}');
      CREATE TABLE IF NOT EXISTS interactions (${icols});
      CREATE TABLE IF NOT EXISTS system_prompts (system_hash VARCHAR PRIMARY KEY, system VARCHAR, chars INTEGER);
      CREATE TABLE IF NOT EXISTS accounts (${acols}, PRIMARY KEY (account_id));
      CREATE TABLE IF NOT EXISTS ingest_runs (
        run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, files INTEGER,
        read BIGINT, accepted BIGINT, rejected BIGINT, duplicate BIGINT, options VARCHAR);
      CREATE TABLE IF NOT EXISTS ingest_files (
        run_id VARCHAR, path VARCHAR, format VARCHAR, bytes BIGINT,
        read BIGINT, accepted BIGINT, rejected BIGINT, duplicate BIGINT, warnings VARCHAR);
      CREATE TABLE IF NOT EXISTS rejects (
        run_id VARCHAR, file VARCHAR, line BIGINT, sub INTEGER, reason VARCHAR, excerpt VARCHAR);
    `);
  }

  /** The read_csv expression over staging files of interactions (see csvRow in ingest/chunk.ts). */
  static stagingSource(files: string[], maxLineBytes = 8 << 20): string {
    return stagingCsv(files, [...INTERACTION_COLUMNS, ['ord', 'BIGINT']], maxLineBytes);
  }

  /** The read_csv expression over staging key files (see idRow in ingest/chunk.ts). */
  static stagingIdsSource(files: string[], maxLineBytes = 8 << 20): string {
    return stagingCsv(
      files,
      [
        ['id', 'VARCHAR'],
        ['ord', 'BIGINT'],
        ['source_file', 'VARCHAR'],
        ['source_line', 'BIGINT'],
      ],
      maxLineBytes,
    );
  }

  /**
   * Load staged interactions, keeping the first record of each id (by input order) and skipping ids already in
   * the store; and the staged system prompts. Duplicates are recorded in `rejects` under the run. Returns how many
   * rows were inserted and how many were duplicates.
   *
   * Duplicates are looked for in the small key files alone (id, ord, source_file, source_line per row); the rows are
   * then inserted straight from their files, without a temporary copy of the batch. A DuckDB statement trace of 200k
   * bench rows (one batch) showed 1.6 s to materialise the batch in a temp table and 2.0 s to insert from it.
   */
  async loadStaged(runId: string, staged: StagedFiles, maxLineBytes?: number): Promise<{ inserted: number; duplicate: number }> {
    const cols = INTERACTION_COLUMNS.map(([n]) => n).join(', ');
    if (staged.systems.length) {
      const scols = columnsStruct([
        ['system_hash', 'VARCHAR'],
        ['system', 'VARCHAR'],
        ['chars', 'INTEGER'],
      ]);
      await this.run(`
        INSERT OR IGNORE INTO system_prompts
        SELECT DISTINCT ON (system_hash) system_hash, system, chars
        FROM read_json([${staged.systems.map(lit).join(', ')}], format = 'newline_delimited', columns = ${scols}, maximum_object_size = 67108864)`);
    }
    if (staged.rows.length === 0) return { inserted: 0, duplicate: 0 };
    if (staged.ids.length !== staged.rows.length) throw new Error('internal: staging key files do not match the row files');
    // Duplicates are rare: look for them on the keys, and only rank rows by input order (first wins) when there are some.
    await this.run(`CREATE OR REPLACE TEMP TABLE stage_ids AS SELECT * FROM ${Store.stagingIdsSource(staged.ids, maxLineBytes)}`);
    await this.run(`
      CREATE OR REPLACE TEMP TABLE stage_dup AS
      SELECT ord FROM (
        SELECT ord, row_number() OVER (PARTITION BY id ORDER BY ord) AS rn FROM stage_ids
        WHERE id IN (SELECT id FROM stage_ids GROUP BY id HAVING count(*) > 1)) WHERE rn > 1
      UNION
      SELECT ord FROM stage_ids SEMI JOIN interactions USING (id)`);
    const dup = await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM stage_dup`);
    const rows = Store.stagingSource(staged.rows, maxLineBytes);
    if (Number(dup?.n ?? 0) === 0) {
      await this.run(`INSERT INTO interactions SELECT ${cols} FROM ${rows}`);
    } else {
      await this.run(`INSERT INTO interactions SELECT ${cols} FROM ${rows} ANTI JOIN stage_dup USING (ord)`);
      await this.run(`
        INSERT INTO rejects
        SELECT ${lit(runId)}, s.source_file, s.source_line, NULL,
               'duplicate id ' || s.id || ' (already in the store or earlier in the input)', NULL
        FROM stage_ids s SEMI JOIN stage_dup USING (ord)`);
    }
    const total = await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM stage_ids`);
    await this.run(`DROP TABLE stage_ids; DROP TABLE stage_dup;`);
    const duplicate = Number(dup?.n ?? 0);
    return { inserted: Number(total?.n ?? 0) - duplicate, duplicate };
  }

  /** Load rejects from a staging NDJSON file of RejectRecord. */
  async loadRejects(runId: string, file: string): Promise<void> {
    const cols = columnsStruct([
      ['file', 'VARCHAR'],
      ['line', 'BIGINT'],
      ['sub', 'INTEGER'],
      ['reason', 'VARCHAR'],
      ['excerpt', 'VARCHAR'],
    ]);
    await this.run(`
      INSERT INTO rejects SELECT ${lit(runId)}, file, line, sub, reason, excerpt
      FROM read_json(${lit(file)}, format = 'newline_delimited', columns = ${cols}, maximum_object_size = 16777216)`);
  }

  /** Upsert accounts from a staging NDJSON file of Account. */
  async loadAccounts(file: string): Promise<number> {
    const cols = ACCOUNT_COLUMNS.map(([n]) => n).join(', ');
    await this.run(`
      INSERT OR REPLACE INTO accounts
      SELECT ${cols} FROM (
        SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY _ord DESC) AS _rn
        FROM read_json(${lit(file)}, format = 'newline_delimited', columns = ${columnsStruct([...ACCOUNT_COLUMNS, ['_ord', 'BIGINT']])})
      ) WHERE _rn = 1`);
    const r = await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM accounts`);
    return Number(r?.n ?? 0);
  }

  /** Write this run's rejects, ordered by file and line, as JSONL. */
  async exportRejects(runId: string, out: string): Promise<void> {
    await this.run(`
      COPY (SELECT file, line, sub, reason, excerpt FROM rejects WHERE run_id = ${lit(runId)} ORDER BY file, line, sub NULLS FIRST)
      TO ${lit(out)} (FORMAT json)`);
  }

  async summary(): Promise<StoreSummary> {
    const t = await this.one<Record<string, number | string | null>>(`
      SELECT count(*)::BIGINT AS interactions, count(DISTINCT account_id)::BIGINT AS accounts_seen,
             min(ts)::BIGINT AS first_ts, max(ts)::BIGINT AS last_ts,
             count(DISTINCT ip)::BIGINT AS ips, count(DISTINCT model)::BIGINT AS models,
             sum(CASE WHEN reasoning_requested THEN 1 ELSE 0 END)::BIGINT AS reasoning_requested,
             sum(CASE WHEN tools > 0 THEN 1 ELSE 0 END)::BIGINT AS with_tools
      FROM interactions`);
    const a = await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM accounts`);
    const apis = await this.all<{ api: string; n: number }>(`SELECT api, count(*)::BIGINT AS n FROM interactions GROUP BY api ORDER BY n DESC`);
    const models = await this.all<{ model: string; n: number }>(
      `SELECT coalesce(model, '(none)') AS model, count(*)::BIGINT AS n FROM interactions GROUP BY 1 ORDER BY n DESC LIMIT 10`,
    );
    const runs = await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ingest_runs`);
    const rej = await this.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM rejects`);
    const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
    return {
      interactions: n(t?.interactions),
      accountsSeen: n(t?.accounts_seen),
      accountRecords: n(a?.n),
      firstTs: t?.first_ts == null ? null : Number(t.first_ts),
      lastTs: t?.last_ts == null ? null : Number(t.last_ts),
      ips: n(t?.ips),
      models: n(t?.models),
      reasoningRequested: n(t?.reasoning_requested),
      withTools: n(t?.with_tools),
      byApi: Object.fromEntries(apis.map((r) => [r.api, Number(r.n)])),
      topModels: Object.fromEntries(models.map((r) => [r.model, Number(r.n)])),
      ingestRuns: n(runs?.n),
      rejectsStored: n(rej?.n),
    };
  }
}

export interface StoreSummary {
  interactions: number;
  accountsSeen: number;
  accountRecords: number;
  firstTs: number | null;
  lastTs: number | null;
  ips: number;
  models: number;
  reasoningRequested: number;
  withTools: number;
  byApi: Record<string, number>;
  topModels: Record<string, number>;
  ingestRuns: number;
  rejectsStored: number;
}
