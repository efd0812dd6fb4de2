/** Format detection: by name and magic bytes first, then by the shape of the first record. */
import { stat } from 'node:fs/promises';
import type { FormatName } from './types.js';
import { FORMATS, FORMAT_DESCRIPTIONS } from './types.js';
import { detectFromValue } from './adapters.js';
import { openDecoded, readHead } from './lines.js';

export interface Detected {
  format: FormatName;
  /** The file is one JSON document (an array of records, or one OTLP export) rather than JSON lines. */
  wholeDocument: boolean;
  /** The file has no records at all. */
  empty: boolean;
}

export class FormatError extends Error {}

export function expectedFormats(): string {
  return FORMATS.map((f) => `  ${f}: ${FORMAT_DESCRIPTIONS[f]}`).join('\n');
}

/** Up to `max` non-blank lines from the start of the (decompressed) file, reading at most `cap` bytes. */
export async function firstLines(path: string, max = 20, cap = 64 << 20): Promise<string[]> {
  const s = await openDecoded(path);
  const parts: Buffer[] = [];
  let size = 0;
  let nls = 0;
  try {
    for await (const piece of s as AsyncIterable<Buffer>) {
      parts.push(piece);
      size += piece.length;
      if (size > cap) break;
      // Enough lines to skip blank ones and still have `max` records (counted over all pieces read).
      for (let i = piece.indexOf(10); i !== -1; i = piece.indexOf(10, i + 1)) nls++;
      if (nls >= max * 2 + 2) break;
    }
  } catch {
    // A truncated gzip still gives what came before the cut.
  } finally {
    s.destroy();
  }
  const text = Buffer.concat(parts).subarray(0, cap).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, max);
}

/** Read a whole (possibly gzip) file as text, refusing beyond `cap` bytes. */
export async function readWhole(path: string, cap = 1 << 30): Promise<string | null> {
  const s = await openDecoded(path);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of s as AsyncIterable<Buffer>) {
      parts.push(piece);
      size += piece.length;
      if (size > cap) return null;
    }
  } catch {
    return null;
  } finally {
    s.destroy();
  }
  return Buffer.concat(parts).toString('utf8');
}

export async function detectFormat(path: string, requested: FormatName | 'auto' = 'auto'): Promise<Detected> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new FormatError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  if (!st.isFile()) throw new FormatError(`cannot read ${path}: not a regular file`);
  if (st.size === 0) return { format: requested === 'auto' ? 'jsonl' : requested, wholeDocument: false, empty: true };
  const head = await readHead(path, 4);
  const isParquet = head.toString('latin1') === 'PAR1';
  if (requested === 'parquet' || (requested === 'auto' && (isParquet || /\.parquet$/i.test(path)))) {
    if (!isParquet) throw new FormatError(`${path} is not a Parquet file (no PAR1 header)`);
    return { format: 'parquet', wholeDocument: false, empty: false };
  }
  if (requested === 'csv' || (requested === 'auto' && /\.(csv|tsv)(\.gz)?$/i.test(path))) {
    return { format: 'csv', wholeDocument: false, empty: false };
  }
  const lines = await firstLines(path);
  if (lines.length === 0) return { format: requested === 'auto' ? 'jsonl' : requested, wholeDocument: false, empty: true };
  let value: unknown;
  let whole = false;
  for (const l of lines) {
    try {
      value = JSON.parse(l);
      break;
    } catch {
      /* a bad line: try the next */
    }
  }
  const t = lines[0]!.trimStart();
  if (value === undefined && (t.startsWith('{') || t.startsWith('['))) {
    // Maybe one JSON document over many lines: an array of records or a single OTLP export.
    const text = await readWhole(path);
    if (text !== null) {
      try {
        value = JSON.parse(text);
        whole = true;
      } catch {
        /* not a document either */
      }
    }
  }
  if (requested !== 'auto') return { format: requested, wholeDocument: whole, empty: false };
  const sample = whole && Array.isArray(value) ? value[0] : value;
  const f = value === undefined ? null : detectFromValue(sample);
  if (f === null) {
    const what = value === undefined ? 'none of its first lines is JSON, and it is not named .csv or .parquet' : 'its first record matches none of them';
    throw new FormatError(`cannot tell the format of ${path}: ${what}. Expected one of:\n${expectedFormats()}\nChoose one with --format.`);
  }
  return { format: f, wholeDocument: whole, empty: false };
}
