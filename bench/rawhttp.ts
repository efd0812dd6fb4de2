/**
 * A minimal HTTP/1.1 load-generator client for the gateway benchmark: keep-alive connections on raw sockets, one
 * request at a time per connection, requests written as prepared bytes, responses read by Content-Length (or to
 * the end of a chunked body).
 *
 * Hand-written because the load generator shares the machine's two cores with the mock upstream and the proxy under
 * test: node:http's client cost about as much CPU per request as the proxy being measured (`node
 * dist/bench/gateway.js` prints each side's CPU per call), which turned the benchmark into a measure of CPU
 * contention. Benchmark-only code: it is not a general HTTP client (no redirects, no pipelining, no TLS).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const CRLF2 = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

interface Pending {
  t0: number;
  resolve: (ms: number) => void;
  reject: (err: Error) => void;
}

class Conn {
  readonly sock: net.Socket;
  private chunks: Buffer[] = [];
  private size = 0;
  pending: Pending | null = null;

  constructor(
    port: number,
    host: string,
    private readonly release: (c: Conn) => void,
    private readonly drop: (c: Conn) => void,
  ) {
    this.sock = net.connect({ port, host, noDelay: true });
    this.sock.on('data', (d: Buffer) => this.onData(d));
    const fail = (err: Error) => {
      this.drop(this);
      const p = this.pending;
      this.pending = null;
      p?.reject(err);
    };
    this.sock.on('error', fail);
    this.sock.on('close', () => fail(new Error('connection closed')));
  }

  send(bytes: Buffer, p: Pending): void {
    this.pending = p;
    this.sock.write(bytes);
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.chunks = [buf];
    const h = buf.indexOf(CRLF2);
    if (h < 0) return;
    const head = buf.toString('latin1', 0, h);
    const m = /content-length:\s*(\d+)/i.exec(head);
    let end: number;
    if (m) {
      end = h + 4 + Number(m[1]);
      if (buf.length < end) return;
    } else if (/transfer-encoding:\s*chunked/i.test(head)) {
      const e = buf.indexOf(CHUNKED_END, h);
      if (e < 0) return;
      end = e + CHUNKED_END.length;
    } else {
      return; // read to close: not used by the servers benchmarked
    }
    const status = Number(head.slice(9, 12));
    this.chunks = end < buf.length ? [buf.subarray(end)] : [];
    this.size = end < buf.length ? buf.length - end : 0;
    const p = this.pending!;
    this.pending = null;
    const ms = performance.now() - p.t0;
    this.release(this);
    if (status === 200) p.resolve(ms);
    else p.reject(new Error(`status ${status}`));
  }
}

export class RawClient {
  private readonly idle: Conn[] = [];
  private readonly all = new Set<Conn>();
  private readonly port: number;
  private readonly host: string;

  constructor(
    base: string,
    private readonly path: string,
    private readonly headers: Record<string, string>,
  ) {
    const u = new URL(base);
    this.port = Number(u.port);
    this.host = u.hostname;
  }

  /** One POST of `body`; resolves with the latency in ms (request written to response read), rejects unless 200. */
  post(body: string): Promise<number> {
    const b = Buffer.from(body, 'utf8');
    let head = `POST ${this.path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-length: ${b.length}\r\n`;
    for (const k in this.headers) head += `${k}: ${this.headers[k]}\r\n`;
    const bytes = Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), b]);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const c =
        this.idle.pop() ??
        new Conn(
          this.port,
          this.host,
          (x) => this.idle.push(x),
          (x) => {
            this.all.delete(x);
            const i = this.idle.indexOf(x);
            if (i >= 0) this.idle.splice(i, 1);
          },
        );
      this.all.add(c);
      c.send(bytes, { t0, resolve, reject });
    });
  }

  close(): void {
    for (const c of this.all) c.sock.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}
