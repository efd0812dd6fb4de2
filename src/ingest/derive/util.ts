/**
 * Small, allocation-light readers for untrusted JSON values. Everything here returns null (or a default)
 * on a wrong shape instead of throwing: derivation runs once per record in hot ingest loops.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A finite number, else null. */
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A non-negative integer (token counts), else null. */
export function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

export function arr(v: unknown): unknown[] | null {
  return Array.isArray(v) ? v : null;
}

/** `v.key` when `v` is an object, else undefined. */
export function get(v: unknown, key: string): unknown {
  return isObj(v) ? v[key] : undefined;
}

/** Length of an array, 0 for anything else. */
export function len(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

/** Appends `piece` to `acc` with `sep` between (null acc means nothing yet). */
export function join(acc: string | null, piece: string, sep = '\n'): string {
  return acc === null ? piece : acc + sep + piece;
}

/** Parses JSON text, or returns undefined when it is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether `s` starts with `{` or `[` after leading whitespace (cheap test before JSON.parse). */
export function looksLikeJson(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b /* { */ || c === 0x5b /* [ */;
  }
  return false;
}
