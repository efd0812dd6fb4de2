/**
 * Buffered JSONL writer for the gateway's interaction log (and decisions log).
 *
 * Lines are collected in memory and appended with one synchronous write every `flushMs` (or at `maxBytes`).
 * Synchronous appends are small (a batch of lines into the page cache) and make durability simple: `flushSync`
 * leaves nothing in flight, so a flush from an exit or SIGTERM handler loses no record.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LineSink {
  write(value: unknown): void;
  /** A line already serialised (no newline). */
  writeLine(line: string): void;
  flushSync(): void;
  close(): void;
}

export class JsonlWriter implements LineSink {
  private fd: number;
  private pending: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Lines written (tests, stats). */
  lines = 0;

  constructor(
    readonly path: string,
    private readonly flushMs = 20,
    private readonly maxBytes = 256 * 1024,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  write(value: unknown): void {
    this.writeLine(JSON.stringify(value));
  }

  writeLine(text: string): void {
    if (this.fd < 0) throw new Error(`${this.path}: log is closed`);
    const line = text + '\n';
    this.pending.push(line);
    this.bytes += line.length;
    this.lines++;
    if (this.bytes >= this.maxBytes) this.flushSync();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flushSync(), this.flushMs);
      this.timer.unref();
    }
  }

  flushSync(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 || this.fd < 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.bytes = 0;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flushSync();
    closeSync(this.fd);
    this.fd = -1;
  }
}
