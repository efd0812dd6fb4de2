/**
 * CSV reader: a header row, then one interaction per record; plain or gzip-compressed.
 *
 * How it works, and why:
 *  - The file is streamed as bytes (through node:zlib when it is gzip) into a small record splitter that
 *    finds record boundaries (newlines outside quoted fields), the physical line where each record starts,
 *    and RFC 4180 quoting errors. A quoting error makes that record a reject and the run goes on at the next
 *    line. (csv-parse's own `skip_records_with_error` stays inside the broken quote and swallows the rest of
 *    the file, so recovery happens here.)
 *  - Each record's bytes are decoded with a fatal UTF-8 decoder: invalid UTF-8 rejects that record only.
 *  - Well-formed records are parsed into fields by csv-parse, one call per batch.
 *  - Wrong column counts and bad JSON in request/response cells are rejects; see coerce.ts for the typing.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Options as CsvParseOptions } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { buildRow, pickColumns, type ColumnPick, type ReaderItem } from './coerce.js';

export interface CsvOptions {
  /** `{canonicalName: csvColumnName}`, e.g. from `--map account_id=user,ts=timestamp`. */
  map?: Record<string, string>;
  /** Records per yielded batch (default 1000). */
  batchSize?: number;
  /** A record longer than this many bytes stops the read with an error (default 64 MiB): an unclosed quote. */
  maxRecordBytes?: number;
}

export type CsvItem = ReaderItem;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** One record as cut from the byte stream. */
interface RawRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  bytes: Buffer;
  /** Why the record's quoting is broken, if it is. */
  bad?: string;
}

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  /** Saw a quote inside a quoted field: either the closing quote or the first half of `""`. */
  QuoteInQuoted,
  AfterClose,
}

/** Cuts a byte stream into records, tracking lines and checking quoting. Push chunks, then call end(). */
export class RecordSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private state = S.FieldStart;
  private line = 1;
  private startLine = 1;
  private quoteLine = 0;
  private field = 1;
  private bad: string | undefined;
  private first = true;

  constructor(private readonly maxRecordBytes = 64 * 1024 * 1024) {}

  push(chunk: Buffer, out: RawRecord[]): void {
    let start = 0;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3; // UTF-8 BOM
    }
    for (let i = start; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF) {
        this.line++;
        if (this.state === S.Quoted) continue;
        this.emit(chunk.subarray(start, i + 1), out);
        start = i + 1;
        continue;
      }
      this.step(b);
    }
    if (start < chunk.length) {
      this.parts.push(chunk.subarray(start));
      this.size += chunk.length - start;
      if (this.size > this.maxRecordBytes) {
        throw new Error(`record starting at line ${this.startLine} exceeds ${this.maxRecordBytes} bytes (unclosed quote?)`);
      }
    }
  }

  /** Flush the last record (a file need not end with a newline). */
  end(out: RawRecord[]): void {
    if (this.size === 0) return;
    if (this.state === S.Quoted) this.bad ??= `quote opened on line ${this.quoteLine} is never closed`;
    this.emit(Buffer.alloc(0), out);
  }

  /** One non-newline byte through the quoting state machine. */
  private step(b: number): void {
    switch (this.state) {
      case S.FieldStart:
        if (b === QUOTE) {
          this.state = S.Quoted;
          this.quoteLine = this.line;
        } else if (b !== COMMA) this.state = S.Unquoted;
        else this.field++;
        return;
      case S.Unquoted:
        if (b === COMMA) this.nextField();
        else if (b === QUOTE) this.fail(`quote inside unquoted field ${this.field}`);
        return;
      case S.Quoted:
        if (b === QUOTE) this.state = S.QuoteInQuoted;
        return;
      case S.QuoteInQuoted:
        if (b === QUOTE) this.state = S.Quoted;
        else if (b === COMMA) this.nextField();
        else if (b === CR) this.state = S.AfterClose;
        else {
          this.fail(`character after closing quote in field ${this.field}`);
          this.state = S.AfterClose;
        }
        return;
      case S.AfterClose:
        if (b === COMMA) this.nextField();
        else if (b !== CR) this.fail(`character after closing quote in field ${this.field}`);
        return;
    }
  }

  private nextField(): void {
    this.state = S.FieldStart;
    this.field++;
  }

  private fail(why: string): void {
    this.bad ??= why;
  }

  private emit(tail: Buffer, out: RawRecord[]): void {
    const bytes = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    // Blank lines are not records.
    const blank = bytes.length === 0 || (bytes.length <= 2 && bytes.every((c) => c === LF || c === CR));
    if (!blank) out.push(this.bad === undefined ? { line: this.startLine, bytes } : { line: this.startLine, bytes, bad: this.bad });
    this.parts = [];
    this.size = 0;
    this.state = S.FieldStart;
    this.field = 1;
    this.bad = undefined;
    this.startLine = this.line;
  }
}

/** The file's bytes, gunzipped when the file starts with the gzip magic number. */
async function openBytes(path: string): Promise<Readable> {
  const fh = await open(path, 'r');
  const gz = await fh
    .read(Buffer.alloc(2), 0, 2, 0)
    .then(({ bytesRead, buffer }) => bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b)
    .finally(() => fh.close());
  const raw = createReadStream(path);
  if (!gz) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const PARSE_OPTS: CsvParseOptions = { relax_column_count: true, record_delimiter: ['\r\n', '\n'], skip_empty_lines: false };

/** Decoded text of a record (ending in a newline), or a reject reason. */
function decode(r: RawRecord): { line: number; text: string } | { line: number; reject: string } {
  if (r.bad !== undefined) return { line: r.line, reject: `bad CSV quoting: ${r.bad}` };
  try {
    const text = utf8.decode(r.bytes);
    return { line: r.line, text: text.endsWith('\n') ? text : text + '\n' };
  } catch {
    return { line: r.line, reject: 'invalid UTF-8 in record' };
  }
}

/** Parse records' text into field lists, one csv-parse call for the batch; per record when that fails. */
function parseFields(texts: readonly string[]): Array<string[] | { error: string }> {
  try {
    const rows = parse(texts.join(''), PARSE_OPTS) as string[][];
    if (rows.length === texts.length) return rows;
  } catch {
    // Fall through: find the culprit record by record.
  }
  return texts.map((t) => {
    try {
      const rows = parse(t, PARSE_OPTS) as string[][];
      return rows.length === 1 ? rows[0]! : { error: `CSV record parsed into ${rows.length} records` };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      return { error: `bad CSV record (${typeof code === 'string' ? code : e instanceof Error ? e.message : String(e)})` };
    }
  });
}

type Pending = { line: number; text: string } | { line: number; reject: string };

/** Turn a batch of pending records into items, in file order. */
function toItems(pending: readonly Pending[], header: readonly string[], picks: readonly ColumnPick[]): CsvItem[] {
  const texts = pending.flatMap((p) => ('text' in p ? [p.text] : []));
  const fields = parseFields(texts);
  let k = 0;
  return pending.map((p): CsvItem => {
    if ('reject' in p) return p;
    const f = fields[k++]!;
    if (!Array.isArray(f)) return { line: p.line, reject: f.error };
    if (f.length !== header.length) return { line: p.line, reject: `expected ${header.length} columns as in the header, got ${f.length}` };
    const row = buildRow(picks, f);
    return 'reject' in row ? { line: p.line, reject: row.reject } : { line: p.line, value: row.value };
  });
}

/** The header's column names; throws (naming the file) when the first record cannot be a header. */
function readHeader(path: string, r: RawRecord, map: Record<string, string> | undefined): { header: string[]; picks: ColumnPick[] } {
  const d = decode(r);
  if ('reject' in d) throw new Error(`${path}: cannot read the header row (line ${r.line}): ${d.reject}`);
  const f = parseFields([d.text])[0]!;
  if (!Array.isArray(f)) throw new Error(`${path}: cannot read the header row (line ${r.line}): ${f.error}`);
  const header = f.map((c) => c.trim());
  const picks = pickColumns(path, header, map);
  if (picks.length === 0) {
    throw new Error(
      `${path}: no header row: none of the first row's columns (${header.slice(0, 8).join(', ')}) is a canonical field name or mapped with --map`,
    );
  }
  return { header, picks };
}

/**
 * Stream a CSV file (optionally .gz) as batches of items. Throws for a missing, empty or header-less file;
 * bad records are rejects.
 */
export async function* readCsv(path: string, opts: CsvOptions = {}): AsyncGenerator<CsvItem[]> {
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const splitter = new RecordSplitter(opts.maxRecordBytes);
  let head: { header: string[]; picks: ColumnPick[] } | undefined;
  const pending: Pending[] = [];
  const cut: RawRecord[] = [];

  // Move what the splitter cut into `pending`; the first record is the header.
  const take = (): void => {
    for (const r of cut) {
      if (!head) head = readHeader(path, r, opts.map);
      else pending.push(decode(r));
    }
    cut.length = 0;
  };

  try {
    for await (const chunk of await openBytes(path)) {
      splitter.push(chunk as Buffer, cut);
      take();
      while (pending.length >= batchSize) yield toItems(pending.splice(0, batchSize), head!.header, head!.picks);
    }
    splitter.end(cut);
    take();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(msg.includes(path) ? msg : `${path}: ${msg}`, { cause: e });
  }
  if (!head) throw new Error(`${path}: empty CSV file (no header row)`);
  if (pending.length > 0) yield toItems(pending, head.header, head.picks);
}
