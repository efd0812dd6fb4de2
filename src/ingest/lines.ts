/**
 * Reads a line-oriented file (plain or gzip, detected by magic bytes) as chunks of whole lines, so that chunks
 * can be parsed in parallel. Memory stays bounded by the chunk size and the longest line (capped).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export type LineEvent =
  | { kind: 'chunk'; buf: Buffer; startLine: number; lines: number }
  /** A record rejected at the byte level (over-long line, record cut short by a truncated gzip). */
  | { kind: 'reject'; line: number; reason: string; excerpt: string }
  /** A problem with the file as a whole; the records before it were still read. */
  | { kind: 'warning'; message: string };

export interface LineReadOptions {
  chunkBytes?: number;
  /** Lines longer than this are rejected without being held in memory. */
  maxLineBytes?: number;
  /** Called with the number of file bytes (compressed, for gzip) read so far. */
  onBytes?: (n: number) => void;
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function isGzipFile(path: string): Promise<boolean> {
  const b = await readHead(path, 2);
  return b.length === 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** A readable stream of the file's (decompressed) bytes; `bytesRead()` tells how far into the file it is. */
export async function openDecoded(path: string): Promise<Readable & { fileBytesRead?: () => number }> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const gzip = await isGzipFile(path);
  const out: Readable = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
  if (gzip) raw.on('error', (e) => out.destroy(e));
  return Object.assign(out, { fileBytesRead: () => raw.bytesRead });
}

function countLines(b: Buffer): number {
  let n = 0;
  let i = -1;
  while ((i = b.indexOf(10, i + 1)) !== -1) n++;
  return n;
}

function isTruncation(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e?.message ?? '');
}

export async function* readLineChunks(path: string, opts: LineReadOptions = {}): AsyncGenerator<LineEvent> {
  const chunkBytes = opts.chunkBytes ?? 4 << 20;
  const maxLine = opts.maxLineBytes ?? 64 << 20;
  const stream = await openDecoded(path);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1; // number of the first line in `pending`
  let skipping = false; // inside an over-long line, discarding until its newline
  let cutShort: string | null = null;

  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      let p = piece;
      opts.onBytes?.(stream.fileBytesRead!());
      if (skipping) {
        const nl = p.indexOf(10);
        if (nl === -1) continue;
        skipping = false;
        line++;
        p = p.subarray(nl + 1);
      }
      pending.push(p);
      pendingBytes += p.length;
      if (pendingBytes < chunkBytes) continue;
      // Cut after the last newline held; look at the newest pieces first (no copying while a long line grows).
      let at = -1;
      let nl = -1;
      for (let k = pending.length - 1; k >= 0; k--) {
        nl = pending[k]!.lastIndexOf(10);
        if (nl !== -1) {
          at = k;
          break;
        }
        if (pendingBytes <= maxLine) break; // only search further back when a line may be over the cap
      }
      if (at !== -1) {
        const head = pending.slice(0, at);
        head.push(pending[at]!.subarray(0, nl + 1));
        const body = head.length === 1 ? head[0]! : Buffer.concat(head);
        const lines = countLines(body);
        yield { kind: 'chunk', buf: body, startLine: line, lines };
        line += lines;
        const rest = pending[at]!.subarray(nl + 1);
        pending = rest.length ? [rest, ...pending.slice(at + 1)] : pending.slice(at + 1);
        pendingBytes = pending.reduce((n, b) => n + b.length, 0);
      }
      if (pendingBytes > maxLine) {
        const head = pending[0]!.subarray(0, 200).toString('utf8');
        yield { kind: 'reject', line, reason: `line longer than ${maxLine >> 20} MiB: not read`, excerpt: head };
        skipping = true;
        pending = [];
        pendingBytes = 0;
      }
    }
  } catch (err) {
    if (isTruncation(err)) cutShort = 'the gzip stream ends early (file truncated or still being written)';
    else if ((err as NodeJS.ErrnoException)?.code?.startsWith('Z_')) cutShort = `the gzip data is corrupt (${(err as Error).message})`;
    else throw err;
  }
  if (skipping) return;
  const tail = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
  if (cutShort !== null) {
    yield { kind: 'warning', message: `${cutShort}; ${line - 1} complete lines were read before it` };
    if (tail.length > 0) {
      // Whole lines before the cut are fine; only the last, partial one is lost.
      const lastNl = tail.lastIndexOf(10);
      if (lastNl !== -1) {
        const body = tail.subarray(0, lastNl + 1);
        const lines = countLines(body);
        yield { kind: 'chunk', buf: body, startLine: line, lines };
        line += lines;
      }
      const partial = tail.subarray(lastNl + 1);
      if (partial.toString('utf8').trim() !== '') {
        yield { kind: 'reject', line, reason: `record cut short: ${cutShort}`, excerpt: partial.subarray(0, 200).toString('utf8') };
      }
    }
    return;
  }
  if (tail.length > 0) yield { kind: 'chunk', buf: tail, startLine: line, lines: countLines(tail) + (tail[tail.length - 1] === 10 ? 0 : 1) };
}
