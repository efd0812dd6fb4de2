/**
 * The community key: a secret the sharing providers agree on. Customer-identifying values (payment fingerprints,
 * e-mail domains, prompt-wrapper fingerprints, system-prompt hashes) leave only as HMAC-SHA256 under it, so a partner
 * holding the key can test its own values for a match without learning anything else, and a reader without the key
 * learns nothing (the inputs are too few and too structured for a plain hash to hide them).
 */
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export interface CommunityKey {
  /** The key bytes. */
  key: Buffer;
  /** A short public identifier of the key (HMAC of a fixed label), written into bundles so a partner can tell whether it holds the same key. */
  id: string;
}

/** Keys shorter than this (after trimming) are refused: a guessable key would expose the hashed values. */
export const MIN_KEY_BYTES = 16;

export function communityKey(raw: Buffer): CommunityKey {
  const key = Buffer.from(raw.toString('utf8').trim(), 'utf8');
  if (key.length < MIN_KEY_BYTES) throw new Error(`the community key is too short (${key.length} bytes; at least ${MIN_KEY_BYTES} are needed)`);
  return { key, id: createHmac('sha256', key).update('distillguard community key id').digest('hex').slice(0, 16) };
}

/** Read a community key file (its text, trimmed). Errors are plain Errors with a message for the user. */
export function readCommunityKey(path: string): CommunityKey {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new Error(`cannot read the community key ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (size > 4096) throw new Error(`${path} is not a community key (${size} bytes; a key file holds one line of at most 4096 bytes)`);
  try {
    return communityKey(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** What kind of value is hashed: the kind is part of the message, so equal strings of different kinds do not collide. */
export type HashedKind = 'payment' | 'email_domain' | 'template' | 'system_prompt';

/** The form of a value that is hashed: trimmed; e-mail domains (case-insensitive by definition) also lower-cased. */
export function normaliseHashed(kind: HashedKind, value: string): string {
  const v = value.trim();
  return kind === 'email_domain' ? v.toLowerCase() : v;
}

/** HMAC-SHA256 of a normalised value, hex. */
export function keyedHash(k: CommunityKey, kind: HashedKind, value: string): string {
  return createHmac('sha256', k.key).update(`${kind}\u001f${normaliseHashed(kind, value)}`).digest('hex');
}
