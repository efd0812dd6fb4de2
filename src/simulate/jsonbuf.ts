/**
 * A growable byte buffer that the simulator writes its JSON records into directly, instead of building a
 * string per record and encoding it afterwards.
 *
 * Why (profile of `simulate --preset seed-2026 --scale 0.005`, one thread, gzip level 0, before this change):
 * building a record as a ~1.8 KB string took ~7.6 µs and `Buffer.write` of that string (flattening a rope of a
 * few hundred pieces, then UTF-8 encoding it) another ~4.5-5.5 µs, plus the GC of all the pieces; then each
 * line was copied once more to sort the unit. Writing bytes in place, mostly as pre-built pieces (Pieces),
 * removes the rope, the flattening and most of the garbage: counted with valgrind, generating a record went
 * from ~89k to ~49k instructions (gzip not included).
 *
 * What matters here is the number of writes more than their length: on this machine TypedArray.set costs
 * ~250-300 instructions (~40-80 ns) whatever the size up to ~1 KB, a JS byte loop ~13 instructions (~3-6 ns) a
 * byte. Hence constants of the source and bounded pools of values are copied as pre-encoded pieces, and
 * short runs of bytes (numbers, ids) are written in loops.
 *
 * The text written is exactly what `JSON.stringify` and `Buffer.write(..., 'utf8')` would give for the same
 * values (escapes, lone surrogates, number formatting): the output is byte for byte what it was before.
 */

/** For each ASCII code: 0 = copy as is; otherwise the character after the backslash (`u`: \u00XX). */
const ESC = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ESC[c] = 0x75; // u
ESC[0x08] = 0x62; // \b
ESC[0x09] = 0x74; // \t
ESC[0x0a] = 0x6e; // \n
ESC[0x0c] = 0x66; // \f
ESC[0x0d] = 0x72; // \r
ESC[0x22] = 0x22; // \"
ESC[0x5c] = 0x5c; // \\

/** Characters JSON.stringify writes differently from their UTF-8 bytes: quote, backslash, controls, surrogates. */
// eslint-disable-next-line no-control-regex -- JSON escapes exactly these control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** "00" to "99" as pairs of ASCII digits. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** Caches of pre-encoded fragments are cleared beyond this many entries (memory stays bounded). */
const CACHE_MAX = 20_000;

export class JsonBuf {
  buf: Buffer;
  pos = 0;
  /** JSON string literal bytes of recurring strings (system prompts, pooled responses, chat turns...). */
  private readonly strs = new Map<string, Buffer>();
  /** Escaped UTF-8 bytes (no quotes) of recurring parts of user turns (see joined()). */
  private readonly inner = new Map<string, Buffer>();
  /** UTF-8 bytes of the string constants of the source (a fixed set: never cleared). */
  private readonly consts = new Map<string, Buffer>();

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Make room for n more bytes. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  /** Buffers given back (see recycle()), reused before allocating. */
  private readonly spare: Buffer[] = [];

  /** Hand the bytes written over (the caller owns their buffer) and continue in a spare or fresh buffer. */
  take(): Buffer {
    const b = this.buf.subarray(0, this.pos);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return b;
  }

  /** A buffer handed over by take() is free again. */
  recycle(buf: ArrayBufferLike): void {
    if (this.spare.length < 2 && buf.byteLength >= this.buf.length) this.spare.push(Buffer.from(buf));
  }

  byte(c: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
  }

  /**
   * A string constant of the source (JSON syntax, tool names...), from its pre-encoded bytes. Measured here: a
   * Map lookup of a literal plus TypedArray.set ~40-70 ns, a charCodeAt loop over a 48-char literal ~220-260 ns.
   */
  lit(s: string): void {
    let v = this.consts.get(s);
    if (v === undefined) this.consts.set(s, (v = Buffer.from(s, 'utf8')));
    this.bytes(v);
  }

  /** Text that needs no JSON escaping (ids, short names), UTF-8 encoded. */
  raw(s: string): void {
    const n = s.length;
    if (n > 32) {
      this.rawSlow(s);
      return;
    }
    if (this.pos + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = p;
        this.rawSlow(s.slice(i));
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  /** Bytes [from, to) of a short byte array (ids). */
  slice(v: Uint8Array, from: number, to: number): void {
    if (this.pos + (to - from) > this.buf.length) this.grow(to - from);
    const b = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) b[p++] = v[i] as number;
    this.pos = p;
  }

  private rawSlow(s: string): void {
    this.reserve(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Pre-encoded bytes: a loop below 8 bytes, TypedArray.set above (see the costs at the top). */
  bytes(v: Uint8Array): void {
    const n = v.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    if (n < 8) {
      const b = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) b[p + i] = v[i] as number;
      this.pos = p + n;
    } else {
      this.buf.set(v, this.pos);
      this.pos += n;
    }
  }

  /** JSON string literal of s.slice(from, to) (quotes included), as JSON.stringify writes it. */
  str(s: string, from = 0, to = s.length): void {
    this.byte(34);
    this.escaped(s, from, to);
    this.byte(34);
  }

  /** The inside of str(s, from, to): the characters escaped, without the quotes. */
  private escaped(s: string, from: number, to: number): void {
    // a charCodeAt loop costs ~6 ns per char here; above a few dozen chars V8's JSON.stringify and one
    // Buffer.write (~150 ns per call) are cheaper
    if (to - from > 32) {
      this.escapedSlow(s, from, to);
      return;
    }
    if (this.pos + (to - from) * 6 > this.buf.length) this.grow((to - from) * 6);
    const b = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // non-ASCII: let V8 escape and encode it
        this.escapedSlow(s, from, to);
        return;
      }
      const e = ESC[c] as number;
      if (e === 0) b[p++] = c;
      else {
        b[p++] = 92;
        b[p++] = e;
        if (e === 0x75) {
          b[p++] = 48;
          b[p++] = 48;
          b[p++] = HEX[c >> 4] as number;
          b[p++] = HEX[c & 15] as number;
        }
      }
    }
    this.pos = p;
  }

  private escapedSlow(s: string, from: number, to: number): void {
    const t = from === 0 && to === s.length ? s : s.slice(from, to);
    this.reserve(t.length * 6);
    // most generated turns need no escaping at all: then their UTF-8 bytes are the JSON (one regex scan
    // instead of JSON.stringify building a copy; ~8% of generation time went to escaping these)
    if (!NEEDS_ESCAPE.test(t)) {
      this.pos += this.buf.write(t, this.pos);
      return;
    }
    const j = JSON.stringify(t);
    this.pos += this.buf.write(j.slice(1, j.length - 1), this.pos);
  }

  /** JSON string literal of a string that recurs (drawn from a bounded pool): escaped and encoded once. */
  cached(s: string): void {
    let v = this.strs.get(s);
    if (v === undefined) {
      if (this.strs.size >= CACHE_MAX) this.strs.clear();
      this.strs.set(s, (v = Buffer.from(JSON.stringify(s), 'utf8')));
    }
    this.bytes(v);
  }

  /**
   * JSON string literal of parts.join(''), where the parts at even indices recur (wrapper text around a task)
   * and are escaped once, and the odd ones (the task, separators) are escaped each time. JSON escaping is per character, so escaping part by part gives the same text as
   * escaping the whole (checked: a surrogate pair cut between two parts falls back to the whole). Motivation:
   * JSON.stringify + Buffer.write of a whole ~180-char user turn cost ~1.6 µs a record, most of it on the
   * wrapper text that is the same in every record of a campaign.
   */
  joined(parts: readonly string[]): void {
    for (let i = 1; i < parts.length; i++) {
      const prev = parts[i - 1] as string;
      const c = (parts[i] as string).charCodeAt(0);
      if ((prev.length > 0 && (prev.charCodeAt(prev.length - 1) & 0xfc00) === 0xd800) || (c & 0xfc00) === 0xdc00) {
        this.str(parts.join(''));
        return;
      }
    }
    this.byte(34);
    for (let i = 0; i < parts.length; i++) {
      const s = parts[i] as string;
      if (i % 2 === 1) {
        this.escaped(s, 0, s.length);
        continue;
      }
      let v = this.inner.get(s);
      if (v === undefined) {
        if (this.inner.size >= CACHE_MAX) this.inner.clear();
        const j = JSON.stringify(s);
        this.inner.set(s, (v = Buffer.from(j.slice(1, j.length - 1), 'utf8')));
      }
      this.bytes(v);
    }
    this.byte(34);
  }

  /** A number as JSON writes it (digits written in place for non-negative 31-bit integers). */
  num(n: number): void {
    if (!(n >= 0 && n <= 0x7fffffff && (n | 0) === n)) {
      this.raw(String(n));
      return;
    }
    // ~14 numbers a record: digit count by comparisons and two digits per division (a division per digit
    // and a counting loop showed up at ~5% of record writing)
    const d = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : n < 10000000 ? 7 : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
    if (this.pos + d > this.buf.length) this.grow(d);
    const b = this.buf;
    let p = this.pos + d;
    this.pos = p;
    while (n >= 100) {
      const q = (n / 100) | 0;
      const r = (n - q * 100) << 1;
      b[--p] = PAIRS[r + 1] as number;
      b[--p] = PAIRS[r] as number;
      n = q;
    }
    if (n >= 10) {
      b[p - 1] = PAIRS[(n << 1) + 1] as number;
      b[p - 2] = PAIRS[n << 1] as number;
    } else b[p - 1] = 48 + n;
  }

  /** 8 lower-case hex digits of a 32-bit unsigned integer. */
  hex32(h: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) b[p + i] = HEX[(h >>> (28 - 4 * i)) & 15] as number;
    this.pos = p + 8;
  }

  /** Write again the bytes [start, end) already written (a repeated header). */
  again(start: number, end: number): void {
    if (this.pos + (end - start) > this.buf.length) this.grow(end - start);
    this.buf.copyWithin(this.pos, start, end);
    this.pos += end - start;
  }

  /** Two-digit and three-digit zero-padded numbers (timestamps). */
  pad2(n: number): void {
    if (this.pos + 2 > this.buf.length) this.grow(2);
    this.buf[this.pos++] = 48 + ((n / 10) | 0);
    this.buf[this.pos++] = 48 + (n % 10);
  }

  pad3(n: number): void {
    if (this.pos + 3 > this.buf.length) this.grow(3);
    this.buf[this.pos++] = 48 + ((n / 100) | 0);
    this.buf[this.pos++] = 48 + (((n / 10) | 0) % 10);
    this.buf[this.pos++] = 48 + (n % 10);
  }
}

/**
 * Bytes of a piece of JSON built from a key, made once per key and call site, e.g.
 * `new Pieces((m: string) => \`{"model":"${m}","max_tokens":\`)` or a system prompt with the JSON around it.
 * For keys from bounded pools (model names, system prompts, pooled response texts, tool definitions and calls).
 * Copying one pre-built piece instead of constant, value, constant saves two buffer writes, and each write
 * costs ~250-300 instructions whatever its length (TypedArray.set; counted with valgrind), more than copying
 * the bytes themselves. The cache is cleared beyond 20k keys all the same.
 */
export class Pieces<K> {
  private readonly m = new Map<K, Buffer>();

  constructor(private readonly build: (k: K) => string) {}

  get(k: K): Buffer {
    let v = this.m.get(k);
    if (v === undefined) {
      if (this.m.size >= CACHE_MAX) this.m.clear();
      this.m.set(k, (v = Buffer.from(this.build(k), 'utf8')));
    }
    return v;
  }
}
