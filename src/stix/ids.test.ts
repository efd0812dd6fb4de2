/** Deterministic ids (UUIDv5) and keyed hashes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stixId, uuidv5, STIX_ID_RE } from './ids.js';
import { communityKey, keyedHash } from './keys.js';

test('uuidv5 matches the RFC test vector and STIX ids are stable and well formed', () => {
  // RFC 9562 appendix / Python's uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
  assert.equal(uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  const a = stixId('campaign', 'Provider A', 'x');
  assert.equal(a, stixId('campaign', 'Provider A', 'x'));
  assert.notEqual(a, stixId('campaign', 'Provider B', 'x'));
  assert.notEqual(stixId('campaign', 'a'), stixId('campaign', 'a', ''));
  assert.match(a, STIX_ID_RE);
  assert.ok(a.startsWith('campaign--'));
});

test('community keys: too short refused; HMACs depend on key, kind and value; e-mail domains case-insensitive', () => {
  assert.throws(() => communityKey(Buffer.from('short')), /too short/);
  const k1 = communityKey(Buffer.from('a-community-key-of-enough-length\n'));
  const k2 = communityKey(Buffer.from('another-community-key-of-length'));
  assert.equal(k1.key.toString(), 'a-community-key-of-enough-length', 'trimmed');
  assert.notEqual(k1.id, k2.id);
  assert.equal(keyedHash(k1, 'payment', 'fp_1'), keyedHash(k1, 'payment', ' fp_1 '));
  assert.notEqual(keyedHash(k1, 'payment', 'fp_1'), keyedHash(k2, 'payment', 'fp_1'));
  assert.notEqual(keyedHash(k1, 'payment', 'fp_1'), keyedHash(k1, 'template', 'fp_1'));
  assert.notEqual(keyedHash(k1, 'payment', 'FP_1'), keyedHash(k1, 'payment', 'fp_1'), 'payment fingerprints keep their case');
  assert.equal(keyedHash(k1, 'email_domain', 'Example.COM'), keyedHash(k1, 'email_domain', 'example.com'));
  assert.match(keyedHash(k1, 'template', 'abc'), /^[0-9a-f]{64}$/);
});
