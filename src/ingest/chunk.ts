/**
 * Processing of one chunk of complete lines from a line-oriented file (JSONL family formats).
 * Pure and synchronous: it runs in ingest worker threads (see worker.ts) and inline for small inputs.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import type { Adapter } from './types.js';
import type { NormalizeOptions } from './normalize.js';
import { normalize } from './normalize.js';
import type { Interaction } from '../model/interaction.js';
import { INTERACTION_COLUMNS } from '../model/interaction.js';

export interface RejectRecord {
  file: string;
  /** 1-based line (or row) number in the file. */
  line: number;
  /** Position of the record inside that line when one line holds many (OTLP spans), 0-based. */
  sub?: number;
  reason: string;
  /** The start of the offending text, for the analyst (at most 200 characters). */
  excerpt: string;
}

export interface ChunkResult {
  /** Records seen (accepted + rejected here; duplicates are found later, in the store). */
  read: number;
  accepted: number;
  rejects: RejectRecord[];
  /** Staging rows as CSV (see csvRow), empty when written to `stagedRows`. */
  rows: string;
  /** The same rows' keys as CSV (see idRow), for the duplicate check; empty when written to `stagedIds`. */
  ids: string;
  /** System prompts first seen in this chunk, NDJSON of `{system_hash, system, chars}`. */
  systems: string;
  /** Files the rows and system prompts were written to, when the task gave a staging target. */
  stagedRows?: string | null;
  stagedIds?: string | null;
  stagedSystems?: string | null;
}

/** Where a worker writes the staging rows of one chunk (so rows never cross threads). */
export interface StageTarget {
  run: string;
  rowsPath: string;
  idsPath: string;
  systemsPath: string;
}

/*
 * A staging row is an interaction plus its global input order `ord` (used to keep the first of duplicate ids). The
 * system prompt text is staged separately, once per distinct prompt (table system_prompts): coding agents send the
 * same long system prompt with every call, and repeating it in every row made staging several times larger.
 */

const STAGE_NAMES = INTERACTION_COLUMNS.map(([n]) => n);
const QUOTE = /"/g;

/** One CSV field: strings always quoted (an empty string stays distinct from NULL, an empty unquoted field). */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.indexOf('"') === -1 ? '"' + v + '"' : '"' + v.replace(QUOTE, '""') + '"';
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/*
 * The row builder is compiled once from INTERACTION_COLUMNS, so it reads every field by its name (a monomorphic
 * property load) and cannot fall out of column order. csvRow was 10% of ingest worker CPU in a profile of 60k bench
 * records; on 20k of them (best of 5, three alternating runs, loaded machine) this takes 6.7-9.0 µs a row against
 * 10.2-11.7 µs for a loop over the column names (a megamorphic keyed load per field).
 */
for (const n of STAGE_NAMES) if (!/^[a-z_][a-z0-9_]*$/.test(n)) throw new Error(`internal: column name ${n} is not an identifier`);
const compiledRow = new Function('field', `return (r, ord) => [${STAGE_NAMES.map((n) => `field(r.${n})`).join(', ')}, String(ord)].join(',');`)(
  csvField,
) as (rec: Interaction, ord: number) => string;

/**
 * One staging row as CSV, in INTERACTION_COLUMNS order followed by `ord`. Strings are always quoted (so an empty
 * string stays distinct from NULL, which is an empty unquoted field). CSV because building it costs less than
 * JSON.stringify of the row and DuckDB reads it about twice as fast as the same rows in NDJSON (measured: 300k rows,
 * 1.25 s with read_csv against 2.8 s with read_json).
 */
export function csvRow(rec: Interaction, ord: number): string {
  return compiledRow(rec, ord);
}

/**
 * The key columns of a staging row (id, ord, source_file, source_line), staged beside the rows so that the store
 * looks for duplicates in these small files and inserts the rows straight from their files (see Store.loadStaged).
 */
export function idRow(rec: Interaction, ord: number): string {
  return csvField(rec.id) + ',' + String(ord) + ',' + csvField(rec.source_file) + ',' + String(rec.source_line);
}

/** System prompt hashes already staged in this thread during the current run. Bounded. */
let seenRun = '';
const seenSystems = new Set<string>();
const SEEN_MAX = 200_000;

export function newSystemPrompt(run: string, h: string): boolean {
  if (run !== seenRun) {
    seenRun = run;
    seenSystems.clear();
  }
  if (seenSystems.has(h)) return false;
  if (seenSystems.size >= SEEN_MAX) seenSystems.clear();
  seenSystems.add(h);
  return true;
}

/**
 * Lines of text appended as UTF-8 bytes (each followed by a newline) to a buffer that grows by doubling. Staging rows
 * go straight into bytes: kept as strings until the chunk's end, they survived young-generation collections (copied
 * each time) and were joined and encoded once more on writing; GC and that join were 8% of ingest worker CPU in a
 * profile of 60k bench records; with the rows in bytes, GC pauses over those records went from 251-303 ms to 154-169 ms
 * (--trace-gc, two runs each). The bytes equal those of the lines joined with newlines and encoded as UTF-8.
 */
class ByteLines {
  private buf: Buffer | null = null;
  private off = 0;
  count = 0;

  add(line: string): void {
    // At most 3 bytes per UTF-16 code unit, and the newline.
    const need = this.off + line.length * 3 + 1;
    if (this.buf === null || need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buf === null ? 1 << 20 : this.buf.length * 2));
      if (this.buf !== null) this.buf.copy(grown, 0, 0, this.off);
      this.buf = grown;
    }
    this.off += this.buf.write(line, this.off);
    this.buf[this.off++] = 10;
    this.count++;
  }

  /** The bytes so far (a view, valid until the next add), and start over. */
  take(): Buffer {
    const out = this.buf === null ? Buffer.alloc(0) : this.buf.subarray(0, this.off);
    this.buf = null;
    this.off = 0;
    this.count = 0;
    return out;
  }
}

/** Collects accepted rows as staging CSV (rows and their keys) and new system prompts as NDJSON. */
export class RowCollector {
  private rows = new ByteLines();
  private ids = new ByteLines();
  private systems: string[] = [];
  constructor(private run: string) {}

  add(rec: Interaction, ord: number): void {
    if (rec.system_hash !== null && rec.system !== null && newSystemPrompt(this.run, rec.system_hash)) {
      this.systems.push(JSON.stringify({ system_hash: rec.system_hash, system: rec.system, chars: rec.system_chars }));
    }
    this.rows.add(csvRow(rec, ord));
    this.ids.add(idRow(rec, ord));
  }

  get size(): number {
    return this.rows.count;
  }

  /** Take what was collected, as CSV and NDJSON text or written to the target's files. */
  take(target?: StageTarget): Pick<ChunkResult, 'rows' | 'ids' | 'systems' | 'stagedRows' | 'stagedIds' | 'stagedSystems'> {
    const rows = this.rows.take();
    const ids = this.ids.take();
    const systems = this.systems.length ? this.systems.join('\n') + '\n' : '';
    this.systems = [];
    if (!target) return { rows: rows.toString('utf8'), ids: ids.toString('utf8'), systems };
    if (rows.length) writeFileSync(target.rowsPath, rows);
    if (ids.length) writeFileSync(target.idsPath, ids);
    if (systems) writeFileSync(target.systemsPath, systems);
    return {
      rows: '',
      ids: '',
      systems: '',
      stagedRows: rows.length ? target.rowsPath : null,
      stagedIds: ids.length ? target.idsPath : null,
      stagedSystems: systems ? target.systemsPath : null,
    };
  }
}

/** Order key: file, then line, then position inside the line. Fits in 2^53 for 9,000 files of 1e9 lines. */
export function ordKey(fileIndex: number, line: number, sub = 0): number {
  return fileIndex * 1e12 + line * 1000 + Math.min(sub, 999);
}

/** Characters of an offending record kept with its reject. */
const EXCERPT = 200;
export function excerpt(s: string): string {
  return s.length > EXCERPT ? s.slice(0, EXCERPT) + '…' : s;
}

/** Explain a JSON.parse failure in words an analyst understands. */
export function jsonReason(line: string, err: unknown): string {
  const msg = (err as Error).message ?? String(err);
  const t = line.trimEnd();
  if (/Unexpected end of JSON input|Unterminated string|Expected .* after/.test(msg) && !/[}\]"]$/.test(t)) {
    return `truncated JSON (record ends early): ${msg}`;
  }
  return `malformed JSON: ${msg}`;
}

export interface RecordSink {
  accept(rec: Interaction, ord: number): void;
  reject(r: RejectRecord): void;
}

/**
 * Adapt, validate and normalise one parsed source value. Shared by the line path and the row path
 * (CSV, Parquet). Returns the number of records the value held.
 */
export function processValue(
  value: unknown,
  adapter: Adapter,
  opts: NormalizeOptions,
  file: string,
  fileIndex: number,
  line: number,
  raw: string,
  sink: RecordSink,
): number {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    sink.reject({ file, line, reason: `not a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})`, excerpt: excerpt(raw) });
    return 1;
  }
  const { records, rejects } = adapter(value);
  for (const r of rejects) sink.reject({ file, line, sub: r.sub, reason: r.reason, excerpt: excerpt(raw) });
  for (const a of records) {
    const n = normalize(a.value, opts, file, line);
    if (n.ok) sink.accept(n.rec, ordKey(fileIndex, line, a.sub ?? 0));
    else sink.reject({ file, line, sub: a.sub, reason: n.reason, excerpt: excerpt(raw) });
  }
  return records.length + rejects.length;
}

/**
 * Split a buffer of complete lines (the last may lack its newline; `startLine` is the 1-based number of the first),
 * skip blank lines, reject invalid UTF-8 and malformed JSON with their reasons, and hand every parsed value to
 * `onValue`, which returns how many records it held. Returns the number of records read. Shared by interaction
 * chunks and account files.
 */
export function parseLines(
  buf: Uint8Array,
  startLine: number,
  file: string,
  rejects: RejectRecord[],
  onValue: (value: unknown, line: number, text: string) => number,
): number {
  let read = 0;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  // Each line is decoded on its own: a pure-ASCII line as latin1 (a plain copy into a one-byte string), any other
  // line as UTF-8 after a validity check (an invalid line is rejected). Measured on 60k
  // bench records (113 MB, 73% of lines ASCII): decoding 4 MB chunks whole as UTF-8 took 391 ms, per line 121 ms,
  // and JSON.parse of the one-byte lines is faster than of slices of a two-byte chunk (1,243 ms against 1,430 ms).
  let pos = 0;
  let line = startLine - 1;
  const end = b.length;
  while (pos < end) {
    line++;
    let nl = b.indexOf(10, pos);
    if (nl === -1) nl = end;
    const lb = b.subarray(pos, nl);
    let s: string;
    if (isAscii(lb)) {
      s = lb.toString('latin1');
    } else if (isUtf8(lb)) {
      s = lb.toString('utf8');
    } else {
      if (lb.toString('latin1').trim() !== '') {
        read++;
        rejects.push({ file, line, reason: 'invalid UTF-8 (bytes that are not valid UTF-8 text)', excerpt: excerpt(lb.toString('utf8')) });
      }
      pos = nl + 1;
      continue;
    }
    pos = nl + 1;
    // Blank lines are not records. (trim() only when the line starts with whitespace: lines can be megabytes.)
    if (s.length === 0 || (s.charCodeAt(0) <= 32 && s.trim() === '')) continue;
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch (err) {
      read++;
      rejects.push({ file, line, reason: jsonReason(s, err), excerpt: excerpt(s) });
      continue;
    }
    read += onValue(value, line, s);
  }
  return read;
}

/** Process a chunk of lines of interactions (see parseLines): adapt, validate, normalise, stage. */
export function processChunk(
  buf: Uint8Array,
  startLine: number,
  file: string,
  fileIndex: number,
  adapter: Adapter,
  opts: NormalizeOptions,
  run: string,
  target?: StageTarget,
): ChunkResult {
  const rows = new RowCollector(run);
  const rejects: RejectRecord[] = [];
  let accepted = 0;
  const sink: RecordSink = {
    accept(rec, ord) {
      accepted++;
      rows.add(rec, ord);
    },
    reject(r) {
      rejects.push(r);
    },
  };
  const read = parseLines(buf, startLine, file, rejects, (value, line, s) => processValue(value, adapter, opts, file, fileIndex, line, s, sink));
  return { read, accepted, rejects, ...rows.take(target) };
}
