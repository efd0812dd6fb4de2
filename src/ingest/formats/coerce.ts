/**
 * Shared pieces of the tabular readers (CSV, Parquet): the item type they yield, the column mapping from
 * source columns to canonical field names, and the type coercion of cell values.
 *
 * Coercion is deliberately conservative: a value that does not look like what the field wants is passed
 * on unchanged, so that the schema check at the ingest edge reports it with the field's name. The one
 * exception is JSON in `request` / `response` cells, which must be parsed here (a bad cell is a reject
 * naming the column).
 */
import { InteractionInputSchema } from '../../model/interaction.js';

/** One row of a tabular source: canonical-shaped value, or a reject with its reason. */
export type ReaderItem =
  | { /** 1-based: physical line of the record's start (CSV, header = 1) or row number (Parquet). */ line: number; value: Record<string, unknown> }
  | { line: number; reject: string };

/** The canonical field names (keys of `InteractionInputSchema`). */
export const CANONICAL_FIELDS: ReadonlySet<string> = new Set(Object.keys(InteractionInputSchema.shape));

/** One selected source column: where it lands (canonical name) and where it comes from. */
export interface ColumnPick {
  field: string;
  column: string;
  index: number;
}

/**
 * Decide which source columns to read. `map` is `{canonicalName: sourceColumn}`; unmapped columns whose
 * names are canonical are taken as they are; everything else is ignored. Throws (with `source` in the
 * message) for a mapping that names an unknown field or a missing column.
 */
export function pickColumns(source: string, columns: readonly string[], map: Record<string, string> = {}): ColumnPick[] {
  const picks: ColumnPick[] = [];
  for (const [field, column] of Object.entries(map)) {
    if (!CANONICAL_FIELDS.has(field)) {
      throw new Error(`${source}: mapping names unknown field '${field}' (known: ${[...CANONICAL_FIELDS].join(', ')})`);
    }
    const index = columns.indexOf(column);
    if (index < 0) throw new Error(`${source}: mapped column '${column}' (for ${field}) is not in the header: ${columns.join(', ')}`);
    picks.push({ field, column, index });
  }
  const mapped = new Set(Object.keys(map));
  columns.forEach((column, index) => {
    if (CANONICAL_FIELDS.has(column) && !mapped.has(column)) picks.push({ field: column, column, index });
  });
  return picks;
}

const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;

/** Result of coercing one cell: the value (undefined = absent) or why the row is rejected. */
export type Coerced = { value: unknown } | { error: string };

/**
 * Coerce one cell to what its canonical field wants. Strings are trimmed for the numeric checks only;
 * empty strings (and null) become absent.
 */
export function coerceCell(field: string, column: string, raw: unknown): Coerced {
  const v = plain(raw);
  if (v === null || v === undefined || v === '') return { value: undefined };
  if (typeof v !== 'string') return { value: v };
  const s = v.trim();
  switch (field) {
    case 'input_tokens':
    case 'output_tokens':
    case 'latency_ms':
      return { value: NUMERIC_TEXT.test(s) ? Number(s) : v };
    case 'ts':
      // Epoch numbers as numbers (the schema tells the unit by magnitude); ISO text stays text.
      return { value: NUMERIC_TEXT.test(s) ? Number(s) : v };
    case 'asn':
    case 'status':
      return { value: INTEGER_TEXT.test(s) ? Number(s) : v };
    case 'request':
    case 'response':
      return parseJsonCell(field, column, v, s);
    default:
      return { value: v };
  }
}

/** JSON text in a request/response cell. A response that is not JSON-looking is kept (raw SSE text). */
function parseJsonCell(field: string, column: string, v: string, s: string): Coerced {
  const looksJson = s.startsWith('{') || s.startsWith('[') || s.startsWith('"');
  if (!looksJson && field === 'response') return { value: v };
  try {
    return { value: JSON.parse(s) as unknown };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { error: `column '${column}' (${field}): invalid JSON: ${why.slice(0, 120)}` };
  }
}

/**
 * Build the canonical object of one row from its cells (`cells[pick.index]`). Absent values are left out.
 * Returns a reject reason for the first cell that cannot be coerced.
 */
export function buildRow(picks: readonly ColumnPick[], cells: readonly unknown[]): { value: Record<string, unknown> } | { reject: string } {
  const value: Record<string, unknown> = {};
  for (const p of picks) {
    const c = coerceCell(p.field, p.column, cells[p.index]);
    if ('error' in c) return { reject: c.error };
    if (c.value !== undefined) value[p.field] = c.value;
  }
  return { value };
}

/**
 * Plain JS from DuckDB's JS values: bigint to number (to a decimal string beyond 2^53), Date to epoch ms,
 * bytes to UTF-8 text, recursively through lists and structs.
 */
export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.getTime();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}
