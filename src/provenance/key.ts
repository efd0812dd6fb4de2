/**
 * Watermark keys: a random secret with a public id, stored as JSON. The secret keys an HMAC-SHA256 that picks,
 * for each (word set, context), which member the watermark prefers. Keys are never built in: generate one with
 * `distillguard provenance keygen` and keep the file out of version control (whoever holds it can detect the
 * mark, and also find and remove it).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** A watermark key as stored on disk. */
export interface WatermarkKey {
  /** Public identifier (a hash of the secret): safe to print and log. */
  id: string;
  /** The secret, hex (32 bytes). */
  secret: string;
  /** ISO time of creation. */
  created?: string;
  /** Format marker. */
  kind?: 'distillguard-watermark-key/1';
}

/** The public id of a secret: the first 16 hex digits of SHA-256("distillguard-wm-id" + secret). */
export function keyId(secretHex: string): string {
  return createHash('sha256').update('distillguard-wm-id').update(Buffer.from(secretHex, 'hex')).digest('hex').slice(0, 16);
}

/** A fresh random key (32 bytes from the OS CSPRNG). */
export function generateKey(now: Date = new Date()): WatermarkKey {
  const secret = randomBytes(32).toString('hex');
  return { id: keyId(secret), secret, created: now.toISOString(), kind: 'distillguard-watermark-key/1' };
}

/** A key from given secret bytes (tests and simulations derive many keys from a seed). */
export function keyFromSecret(secret: Buffer | string): WatermarkKey {
  const hex = typeof secret === 'string' ? secret : secret.toString('hex');
  return { id: keyId(hex), secret: hex };
}

/** Checks a parsed key object; returns an error message or null. */
export function keyProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'not a JSON object';
  const k = v as Record<string, unknown>;
  if (typeof k.secret !== 'string' || !/^[0-9a-f]{32,}$/i.test(k.secret)) return '"secret" must be at least 16 bytes of hex';
  if (k.id !== undefined && k.id !== keyId(k.secret)) return '"id" does not match the secret (file damaged or edited?)';
  return null;
}

/** Reads a key file. Throws Error with a readable message. */
export function readKey(path: string): WatermarkKey {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read the key: ${(err as Error).message}`, { cause: err });
  }
  const problem = keyProblem(v);
  if (problem !== null) throw new Error(`${path}: not a watermark key: ${problem}`);
  const k = v as WatermarkKey;
  return { ...k, id: keyId(k.secret) };
}

/** Writes a key file readable by the owner only. */
export function writeKey(path: string, key: WatermarkKey): void {
  writeFileSync(path, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
}

/**
 * The keyed, context-conditioned choice: a pseudo-random number in [0, 1) per (set, subset tag, context),
 * from HMAC-SHA256(secret, message). Cached: one text repeats the same contexts many times.
 */
export class KeyedChooser {
  private readonly secret: Buffer;
  private readonly cache = new Map<string, number>();

  constructor(readonly key: WatermarkKey) {
    this.secret = Buffer.from(key.secret, 'hex');
  }

  /** Uniform in [0, 1) from 48 bits of the HMAC. */
  unit(message: string): number {
    let u = this.cache.get(message);
    if (u === undefined) {
      const d = createHmac('sha256', this.secret).update(message).digest();
      u = d.readUIntBE(0, 6) / 2 ** 48;
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(message, u);
    }
    return u;
  }

  /**
   * The preferred member among `idx` (indices into `weights`), drawn with probability proportional to the
   * weights: over keys (or over contexts) each member is preferred at its natural share.
   */
  pick(message: string, idx: readonly number[], weights: readonly number[]): number {
    let total = 0;
    for (const i of idx) total += weights[i]!;
    let r = this.unit(message) * total;
    for (const i of idx) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return idx[idx.length - 1]!;
  }
}
