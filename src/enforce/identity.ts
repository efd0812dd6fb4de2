/**
 * Caller identity: API key -> account, by a keys file, or an account named by a trusted header.
 *
 * Raw keys are never stored in memory tables or logs: a key is hashed (SHA-256) on arrival and both the lookup
 * table and the logged `api_key_id` use the hash. A keys file may list raw keys (convenient in tests) or
 * `sha256:<hex>` digests (so the file itself holds no secret).
 */
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

export interface Identity {
  account_id: string;
  org_id: string | null;
  /** `k_` + 16 hex characters of SHA-256(key); null when the request carried no key. */
  api_key_id: string | null;
  ip: string | null;
}

const KeyEntrySchema = z.object({ account_id: z.string().min(1), org_id: z.string().min(1).nullable().optional() });
export const KeysFileSchema = z.record(z.string().min(1), KeyEntrySchema);

/** Full SHA-256 hex of a key (table lookups). */
export function keyDigest(key: string): string {
  // One-shot hash: a Hash object per call was 1.6% of the gateway's busy CPU (bench/gateway.ts --profile).
  return hash('sha256', key, 'hex');
}

/** The loggable key id derived from a digest. */
export function keyIdOfDigest(digest: string): string {
  return 'k_' + digest.slice(0, 16);
}

/** The loggable key id of a raw key. */
export function keyId(key: string): string {
  return keyIdOfDigest(keyDigest(key));
}

/** API key from `Authorization: Bearer <key>` or `x-api-key`, or null. */
export function apiKeyOf(req: IncomingMessage): string | null {
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x !== '') return x;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim() || null;
  return null;
}

/** Client IP: the socket's address (IPv4-mapped IPv6 unwrapped), or the first X-Forwarded-For hop when trusted. */
export function clientIp(req: IncomingMessage, trustForwarded: boolean): string | null {
  if (trustForwarded) {
    const f = req.headers['x-forwarded-for'];
    if (typeof f === 'string' && f !== '') return f.split(',')[0]!.trim();
  }
  const a = req.socket.remoteAddress;
  if (a === undefined) return null;
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export interface IdentityOptions {
  /** Key table: SHA-256 hex digest -> account. null: any key is accepted and names its own account (key id). */
  keys: Map<string, { account_id: string; org_id: string | null }> | null;
  /** Header set by a trusted auth layer in front, naming the account (lower case). */
  identityHeader: string | null;
  trustForwarded: boolean;
}

export type IdentityResult = { ok: true; id: Identity } | { ok: false; reason: string };

/** Loads a keys file `{key: {account_id, org_id?}}`; keys `sha256:<hex>` are digests already. */
export function loadKeys(path: string): Map<string, { account_id: string; org_id: string | null }> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read keys file: ${(err as Error).message}`, { cause: err });
  }
  return keysFromObject(value, path);
}

export function keysFromObject(value: unknown, name = '(keys)'): Map<string, { account_id: string; org_id: string | null }> {
  const r = KeysFileSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    // The path's first element is a raw key: never print it.
    const path = i.path.length > 1 ? `<key>.${i.path.slice(1).map(String).join('.')}` : '(file)';
    throw new Error(`${name}: ${path}: ${i.message}`);
  }
  const out = new Map<string, { account_id: string; org_id: string | null }>();
  for (const [k, v] of Object.entries(r.data)) {
    const digest = /^sha256:[0-9a-f]{64}$/i.test(k) ? k.slice(7).toLowerCase() : keyDigest(k);
    out.set(digest, { account_id: v.account_id, org_id: v.org_id ?? null });
  }
  return out;
}

/** Identifies the caller of a request. */
export function identify(req: IncomingMessage, opts: IdentityOptions): IdentityResult {
  const ip = clientIp(req, opts.trustForwarded);
  const key = apiKeyOf(req);
  const digest = key === null ? null : keyDigest(key);
  const api_key_id = digest === null ? null : keyIdOfDigest(digest);
  if (opts.identityHeader !== null) {
    const h = req.headers[opts.identityHeader];
    if (typeof h === 'string' && h !== '') {
      const entry = digest !== null ? opts.keys?.get(digest) : undefined;
      return { ok: true, id: { account_id: h, org_id: entry?.org_id ?? null, api_key_id, ip } };
    }
  }
  if (digest === null || api_key_id === null) return { ok: false, reason: 'missing API key' };
  if (opts.keys === null) return { ok: true, id: { account_id: api_key_id, org_id: null, api_key_id, ip } };
  const entry = opts.keys.get(digest);
  if (entry === undefined) return { ok: false, reason: 'invalid API key' };
  return { ok: true, id: { account_id: entry.account_id, org_id: entry.org_id, api_key_id, ip } };
}
