/**
 * IP address and CIDR block matching, in plain JS (node's BlockList costs microseconds per check: a native
 * call and an address object; here a check is a few integer operations). IPv4-mapped IPv6 addresses
 * (::ffff:1.2.3.4) match IPv4 blocks.
 */
import { isIP } from 'node:net';

/** An address as eight 16-bit words (IPv4 as ::ffff:a.b.c.d). */
type Words = Uint16Array;

function v4Words(s: string, out: Words, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  const b = parts.map(Number);
  if (b.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return false;
  out[at] = (b[0]! << 8) | b[1]!;
  out[at + 1] = (b[2]! << 8) | b[3]!;
  return true;
}

/** Parses an IPv4 or IPv6 address (no zone id), or null. */
export function parseIp(s: string): Words | null {
  const v = isIP(s);
  if (v === 0) return null;
  const w = new Uint16Array(8);
  if (v === 4) {
    w[5] = 0xffff;
    return v4Words(s, w, 6) ? w : null;
  }
  const pct = s.indexOf('%');
  const addr = pct >= 0 ? s.slice(0, pct) : s;
  const dbl = addr.indexOf('::');
  const head = dbl >= 0 ? addr.slice(0, dbl) : addr;
  const tail = dbl >= 0 ? addr.slice(dbl + 2) : '';
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const t = new Uint16Array(2);
        if (!v4Words(g, t, 0)) return null;
        out.push(t[0]!, t[1]!);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const h = parse(head);
  const t = parse(tail);
  if (h === null || t === null) return null;
  for (let i = 0; i < h.length; i++) w[i] = h[i]!;
  for (let i = 0; i < t.length; i++) w[8 - t.length + i] = t[i]!;
  return w;
}

/** A parsed CIDR block (an address is a /32 or /128). */
export interface Cidr {
  net: Words;
  /** Prefix length over the 128-bit form (IPv4 blocks are offset by 96). */
  bits: number;
}

export function parseCidr(s: string): Cidr | null {
  const [addr, b] = s.split('/');
  if (addr === undefined) return null;
  const net = parseIp(addr);
  if (net === null) return null;
  const v4 = isIP(addr) === 4;
  const bits = b === undefined ? 128 : Number(b) + (v4 ? 96 : 0);
  if (!Number.isInteger(bits) || bits > 128 || bits < (v4 ? 96 : 0)) return null;
  return { net, bits };
}

export function inCidr(ip: Words, c: Cidr): boolean {
  let bits = c.bits;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((ip[i]! ^ c.net[i]!) & mask) !== 0) return false;
  }
  return true;
}

/** A set of CIDR blocks. */
export class CidrSet {
  private readonly blocks: Cidr[] = [];
  add(s: string): boolean {
    const c = parseCidr(s);
    if (c !== null) this.blocks.push(c);
    return c !== null;
  }
  get size(): number {
    return this.blocks.length;
  }
  has(ip: Words): boolean {
    for (const c of this.blocks) if (inCidr(ip, c)) return true;
    return false;
  }
}
