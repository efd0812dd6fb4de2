/**
 * Input readers for the evaluation harness: stream JSON Lines (plain or gzip, told apart by the gzip magic
 * bytes, not the name) and read whole JSON files, validating each record with zod. Every error is a
 * UserError naming the file, and for JSON Lines the line: `labels.jsonl:12: verdict: Invalid option ...`.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { UserError } from '../cli/errors.js';

/** One readable line: its text and its 1-based number. */
export interface Line {
  text: string;
  no: number;
}

/** A zod error as one short sentence: `field.path: message; other: message`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** A file-system error as a user-facing message naming the file. */
function ioError(path: string, err: unknown): UserError {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return new UserError(`${path}: no such file`);
  if (e?.code === 'EISDIR') return new UserError(`${path}: is a folder, expected a file`);
  if (e?.code === 'EACCES') return new UserError(`${path}: permission denied`);
  if (e?.code === 'Z_DATA_ERROR' || e?.code === 'Z_BUF_ERROR') return new UserError(`${path}: corrupt gzip data`);
  return new UserError(`${path}: cannot read: ${e?.message ?? String(err)}`);
}

/** Whether the file starts with the gzip magic bytes 1f 8b. Throws a UserError when it cannot be opened. */
async function isGzip(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } catch (err) {
    throw ioError(path, err);
  } finally {
    await fh?.close();
  }
}

/**
 * Call `onLine` for each line of a text file, gunzipping when needed. Lines are split by hand from the
 * stream's chunks (several times faster than readline's async iterator on large files); memory use does
 * not depend on the file size. `\r\n` line ends are accepted.
 */
export async function forEachLine(path: string, onLine: (line: Line) => void): Promise<void> {
  const gz = await isGzip(path);
  const raw = createReadStream(path);
  let input: Readable = raw;
  if (gz) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    input = raw.pipe(gunzip);
  }
  input.setEncoding('utf8');
  let rest = '';
  let no = 0;
  const emit = (text: string) => onLine({ text: text.endsWith('\r') ? text.slice(0, -1) : text, no: ++no });
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0;
      let nl = chunk.indexOf('\n');
      if (nl >= 0 && rest !== '') {
        emit(rest + chunk.slice(0, nl));
        rest = '';
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      for (; nl >= 0; start = nl + 1, nl = chunk.indexOf('\n', start)) emit(chunk.slice(start, nl));
      rest += chunk.slice(start);
    }
    if (rest !== '') emit(rest);
  } catch (err) {
    // Errors thrown by onLine (already user-facing) pass through; stream errors are named.
    if (err instanceof UserError) throw err;
    throw ioError(path, err);
  } finally {
    input.destroy();
    raw.destroy();
  }
}

/** Parse one line as JSON, or throw a UserError naming `file:line`. */
export function parseJsonLine(path: string, line: Line): unknown {
  try {
    return JSON.parse(line.text);
  } catch (err) {
    throw new UserError(`${path}:${line.no}: not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Stream a JSON Lines file, validating each non-blank line with `schema` and handing it to `onRecord`.
 * Returns the number of records read.
 */
export async function readJsonl<S extends z.ZodType>(
  path: string,
  schema: S,
  onRecord: (rec: z.output<S>, line: number) => void,
): Promise<number> {
  let n = 0;
  await forEachLine(path, (line) => {
    if (line.text.trim() === '') return;
    const parsed = schema.safeParse(parseJsonLine(path, line));
    if (!parsed.success) throw new UserError(`${path}:${line.no}: ${describeZodError(parsed.error)}`);
    onRecord(parsed.data, line.no);
    n++;
  });
  return n;
}

/** Read a JSON Lines file into an array (for files of modest size: labels, results, decisions). */
export async function readJsonlArray<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>[]> {
  const out: z.output<S>[] = [];
  await readJsonl(path, schema, (r) => out.push(r));
  return out;
}

/** Read a whole JSON file (plain or gzip) and validate it with `schema`. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const parts: string[] = [];
  await forEachLine(path, (line) => parts.push(line.text));
  let value: unknown;
  try {
    value = JSON.parse(parts.join('\n'));
  } catch (err) {
    throw new UserError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // For an array, name the element too: `campaigns.json: [2].score: ...` reads as the path.
    throw new UserError(`${path}: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}
