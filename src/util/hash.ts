/** Small 32-bit hashing helpers shared by the simulator and the text signals (both on per-record hot paths). */

/** murmur3 finaliser: a good 32-bit avalanche of a hash or a combination of hashes. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a string: FNV-1a over its UTF-16 code units, then the murmur3 finaliser (well spread low bits). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 8 lower-case hex digits of a 32-bit unsigned integer (a table lookup per byte: faster than toString(16)). */
export function hex32(h: number): string {
  return (BYTE_HEX[h >>> 24] as string) + BYTE_HEX[(h >>> 16) & 255] + BYTE_HEX[(h >>> 8) & 255] + BYTE_HEX[h & 255];
}
