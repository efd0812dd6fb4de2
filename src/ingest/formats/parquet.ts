/**
 * Parquet reader, through an in-memory DuckDB. Only the columns that land on canonical fields are read
 * (mapped with `map`, or named canonically), and results are streamed one DuckDB chunk (~2048 rows) at a
 * time, so memory does not grow with the file. Values are made plain in coerce.ts: TIMESTAMP to epoch ms,
 * BIGINT to number, structs/lists to plain objects/arrays, MAP columns to objects, JSON text parsed.
 */
import { open } from 'node:fs/promises';
import { DuckDBInstance, DuckDBTypeId, type JS } from '@duckdb/node-api';
import { buildRow, pickColumns, type ReaderItem } from './coerce.js';

export type ParquetItem = ReaderItem;

export interface ParquetOptions {
  /** `{canonicalName: parquetColumnName}`. */
  map?: Record<string, string>;
}

/** SQL string literal. */
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** SQL quoted identifier. */
const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Throws a clear error unless the file exists and starts with the Parquet magic `PAR1`. */
async function checkMagic(path: string): Promise<void> {
  const fh = await open(path, 'r').catch((e: unknown) => {
    throw new Error(`${path}: cannot open: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4 || buffer.toString('latin1') !== 'PAR1') throw new Error(`${path}: not a Parquet file (no PAR1 magic bytes)`);
  } finally {
    await fh.close();
  }
}

/** A MAP value as DuckDB's JS converter gives it (`[{key, value}]`) to a plain object. */
function mapToObject(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const e of v as Array<{ key: unknown; value: unknown }>) out[String(e.key)] = e.value;
  return out;
}

/** Stream a Parquet file as batches of items (one batch per DuckDB chunk). */
export async function* readParquet(path: string, opts: ParquetOptions = {}): AsyncGenerator<ParquetItem[]> {
  await checkMagic(path);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const source = `read_parquet(${lit(path)})`;
    let columns: string[];
    try {
      columns = (await conn.run(`SELECT * FROM ${source} LIMIT 0`)).columnNames();
    } catch (e) {
      throw new Error(`${path}: cannot read as Parquet: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const picks = pickColumns(path, columns, opts.map);
    if (picks.length === 0) throw new Error(`${path}: none of the columns (${columns.slice(0, 8).join(', ')}) is a canonical field name or mapped`);

    // Select only the picked columns; each pick now reads cell i of the selected row.
    const selected = picks.map((p, i) => ({ ...p, index: i }));
    const result = await conn.stream(`SELECT ${picks.map((p) => ident(p.column)).join(', ')} FROM ${source}`);
    const isMap = selected.map((_, i) => result.columnTypeId(i) === DuckDBTypeId.MAP);
    let row = 0;
    const chunks = result.yieldRowsJs();
    while (true) {
      let next: IteratorResult<JS[][]>;
      try {
        next = await chunks.next();
      } catch (e) {
        throw new Error(`${path}: reading Parquet failed after row ${row}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      if (next.done) break;
      yield next.value.map((cells): ParquetItem => {
        row++;
        const built = buildRow(selected, isMap.some(Boolean) ? cells.map((c, i) => (isMap[i] ? mapToObject(c) : c)) : cells);
        return 'reject' in built ? { line: row, reject: built.reject } : { line: row, value: built.value };
      });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
