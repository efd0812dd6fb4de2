/**
 * Deterministic STIX identifiers: UUIDv5 (RFC 9562, SHA-1 name-based) of a name that states what the object is, so
 * that exporting the same campaign twice gives the same ids and a partner's store deduplicates them.
 */
import { createHash } from 'node:crypto';

/** The namespace of every id distillguard derives (itself a UUIDv5 of the project name in the URL namespace). */
export const DISTILLGUARD_NAMESPACE = uuidv5('https://github.com/distillguard/distillguard/stix', '6ba7b811-9dad-11d1-80b4-00c04fd430c8');

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** UUIDv5 of `name` in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  const h = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A STIX id `type--uuidv5(parts joined)`; the type is part of the name, so two types never share a UUID. */
export function stixId(type: string, ...parts: string[]): string {
  return `${type}--${uuidv5([type, ...parts].join('\u001f'), DISTILLGUARD_NAMESPACE)}`;
}

/** A STIX identifier: type, two dashes, an RFC 4122 UUID (versions 1-5). */
export const STIX_ID_RE = /^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
