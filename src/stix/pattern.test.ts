/** STIX pattern parser: the grammar (../shared/stix2.1/pattern_grammar/STIXPattern.g4) and the rules it leaves out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePattern, PatternError, quote, isAddressOrCidr } from './pattern.js';
import { patternMatchables } from './import.js';

const VALID = [
  "[ipv4-addr:value = '198.51.100.1']",
  "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
  "[ipv6-addr:value ISSUBSET '2001:db8::/32']",
  '[autonomous-system:number = 64496]',
  "[user-account:account_type = 'free' AND user-account:account_created >= t'2026-04-01T00:00:00Z' AND user-account:account_created <= t'2026-04-01T00:40:00.123Z']",
  "[llm-prompt:template_hmac = 'ab'] OR [llm-prompt:system_prompt_hmac = 'cd']",
  "([file:hashes.'SHA-256' = 'aa'] AND [file:name = 'x']) WITHIN 300 SECONDS",
  "[x-a:b[*].c = 'x'] REPEATS 5 TIMES START t'2016-01-01T00:00:00Z' STOP t'2016-02-01T00:00:00Z'",
  "[email-addr:value LIKE '%@example.com' OR domain-name:value = 'example.com'] FOLLOWEDBY [x-y:z IN ('a', 'b\\'c')]",
  '[network-traffic:dst_port NOT > -5]',
  "[x-foo:bar MATCHES '^a+$'] /* a comment */",
  "[x-foo:extensions.'x-ext'.v = true]",
  "[x-foo:bin = b'aGVsbG8='] AND [x-foo:hex = h'00ff']",
  '[x-foo:n NOT IN (1, 2.5, -3)]',
  '[EXISTS x-foo:n] OR [NOT EXISTS x-foo:m]',
];

const INVALID: Array<[string, RegExp]> = [
  ["[ipv4-addr:value = '999.1.1.1']", /IPv4 addresses or CIDR/],
  ["[ipv4-addr:value ISSUBSET '10.0.0.0/33']", /IPv4 addresses or CIDR/],
  ["[ipv6-addr:value = '1.2.3.4']", /IPv6/],
  ["ipv4-addr:value = '1.1.1.1'", /expected '\[' or '\('/],
  ["[ipv4-addr:value = '1.1.1.1'", /closing the observation/],
  ["[a-b:c = 'x' AND d-e:f = 'y']", /different object types/],
  ["[x-y:z = t'2021-02-30T00:00:00Z']", /not a real date/],
  ["[x-y:z = 'a\\q']", /invalid escape/],
  ['[x-y:z = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS', /more than one WITHIN/],
  ["[autonomous-system:number = 'x']", /whole numbers/],
  ['[X:y = 1]', /not a valid STIX object type/],
  ["[x-y:z MATCHES '(']", /invalid regular expression/],
  ['(' .repeat(100) + '[x-y:z = 1]' + ')'.repeat(100), /nesting deeper/],
  ['[x-y:z = 01]', /leading zero/],
  ["[x-y:z = 'unterminated]", /unterminated string/],
  ['[x-y:z = 1] START t\'2020-01-02T00:00:00Z\' STOP t\'2020-01-01T00:00:00Z\'', /STOP must be later/],
  ['[x-y:z = 1] @', /unexpected character/],
  ['', /expected '\[' or '\('/],
];

test('patterns: valid STIX 2.1 patterns parse', () => {
  for (const p of VALID) assert.doesNotThrow(() => parsePattern(p), p);
});

test('patterns: malformed ones are rejected with the reason and position', () => {
  for (const [p, re] of INVALID) {
    assert.throws(
      () => parsePattern(p),
      (e: unknown) => e instanceof PatternError && re.test(e.message) && /at character \d+/.test(e.message),
      `${p.slice(0, 60)} should fail with ${re}`,
    );
  }
  assert.throws(() => parsePattern('['.repeat(70_000)), /longer than/);
});

test('patterns: quoting round-trips hostile strings', () => {
  for (const s of ["it's", 'back\\slash', "both \\' mixed", '']) {
    const o = parsePattern(`[x-y:z = ${quote(s)}]`);
    assert.equal(o.kind, 'observation');
    if (o.kind === 'observation' && o.comparison.kind === 'test') assert.deepEqual(o.comparison.value, { kind: 'string', value: s });
  }
});

test('patterns: what the matcher extracts, and what it leaves alone', () => {
  const m = (p: string) => patternMatchables(parsePattern(p));
  assert.deepEqual(m("[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value ISSUBSET '198.51.100.0/24']"), [
    ['ip', '198.51.100.1'],
    ['cidr', '198.51.100.0/24'],
  ]);
  assert.deepEqual(m('[autonomous-system:number IN (1, 2)]'), [
    ['asn', '1'],
    ['asn', '2'],
  ]);
  assert.deepEqual(m("[email-addr:value LIKE '%@Example.com']"), [['email_domain', 'example.com']]);
  assert.deepEqual(m("[user-account:account_type = 'free' AND user-account:account_created >= t'2026-04-01T00:00:00Z' AND user-account:account_created <= t'2026-04-01T01:00:00Z']"), [
    ['signup_burst', `free|${Date.parse('2026-04-01T00:00:00Z')}|${Date.parse('2026-04-01T01:00:00Z')}`],
  ]);
  assert.equal(m("[ipv4-addr:value = '198.51.100.1'] AND [ipv4-addr:value = '198.51.100.2']"), null, 'correlated observations are not matched');
  assert.equal(m("[ipv4-addr:value != '198.51.100.1']"), null);
  assert.equal(m("[llm-prompt:template_hmac = 'not-hex']"), null);
  assert.equal(m("[file:name = 'x.exe']"), null);
});

test('CIDR and address syntax', () => {
  assert.ok(isAddressOrCidr('10.0.0.0/8', 4));
  assert.ok(isAddressOrCidr('2001:db8::/48', 6));
  assert.ok(isAddressOrCidr('::1', 6));
  assert.ok(!isAddressOrCidr('2001:db8:::/48', 6));
  assert.ok(!isAddressOrCidr('10.0.0.0/08', 4));
  assert.ok(!isAddressOrCidr('10.0.0/24', 4));
});
