import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fixture, repoRoot } from '../testutil/fixtures.js';
import { join } from 'node:path';
import { compilePolicy, decide, DEFAULT_POLICY, loadPolicy, parsePolicy, stripComments } from './policy.js';
import type { Identity } from './identity.js';
import type { AccountVerdict } from './verdicts.js';
import { StaticVerdicts } from './verdicts.js';

const id = (over: Partial<Identity> = {}): Identity => ({ account_id: 'a1', org_id: 'o1', api_key_id: 'k_00000000000000aa', ip: '198.51.100.4', ...over });
const v = (score: number, verdict: AccountVerdict['verdict'], campaign_id: string | null = null): AccountVerdict => ({
  score,
  verdict,
  campaign_id,
  reasons: [{ signal: 'volume', contribution: 0.5, detail: 'many calls' }],
});

test('the default policy is shadow mode and valid', () => {
  assert.equal(DEFAULT_POLICY.mode, 'shadow');
  assert.equal(parsePolicy({}).mode, 'shadow');
  assert.equal(decide(DEFAULT_POLICY, undefined, id()).action, 'allow');
  assert.equal(decide(DEFAULT_POLICY, v(0.95, 'distillation'), id()).action, 'block');
});

test('invalid policies are rejected with JSON paths', () => {
  assert.throws(() => parsePolicy({ mode: 'on' }), /\$\.mode:/);
  assert.throws(() => parsePolicy({ rules: [{ action: 'allow' }, { action: 'explode' }] }), /\$\.rules\[1\]\.action:/);
  assert.throws(() => parsePolicy({ rules: [{ action: 'throttle' }] }), /\$\.rules\[0\]\.throttle: a throttle rule needs/);
  assert.throws(() => parsePolicy({ deny: { ips: ['10.0.0.0/33'] } }), /\$\.deny\.ips\[0\]: not an IP address or CIDR/);
  assert.throws(() => parsePolicy({ rules: [{ action: 'flag', when: { list: 'nope' } }] }), /\$\.rules\[0\]\.when\.list: no list named "nope"/);
  assert.throws(() => parsePolicy({ rules: [{ action: 'flag', when: { scor_gte: 1 } }] }), /\$\.rules\[0\]\.when/);
});

test('deny beats allow beats rules; first matching rule wins; default allow', () => {
  const p = compilePolicy(
    parsePolicy({
      mode: 'enforce',
      allow: { orgs: ['o-partner'], ips: ['10.0.0.0/8'] },
      deny: { keys: ['k_00000000000000bb'], ips: ['2001:db8::/32'] },
      rules: [
        { name: 'hi', when: { score_gte: 0.9 }, action: 'block' },
        { name: 'camp', when: { campaign: ['c1'] }, action: 'throttle', throttle: { account: { requests: 1 } } },
        { name: 'sus', when: { verdict: ['suspicious', 'distillation'] }, action: 'degrade' },
        { name: 'unknown', when: { verdict: ['unknown'] }, action: 'flag' },
      ],
    }),
  );
  assert.equal(decide(p, v(0.95, 'distillation'), id()).rule, 'hi');
  assert.equal(decide(p, v(0.95, 'distillation'), id({ org_id: 'o-partner' })).rule, 'allow-list');
  assert.equal(decide(p, v(0.1, 'benign'), id({ org_id: 'o-partner', api_key_id: 'k_00000000000000bb' })).action, 'block');
  assert.equal(decide(p, v(0.1, 'benign'), id({ ip: '2001:db8::1' })).rule, 'deny-list');
  assert.equal(decide(p, v(0.95, 'distillation'), id({ ip: '10.1.2.3' })).action, 'allow');
  const t = decide(p, v(0.5, 'suspicious', 'c1'), id());
  assert.equal(t.action, 'throttle');
  assert.equal(t.params?.throttle?.account?.requests, 1);
  assert.equal(t.params?.throttle?.window_s, 60);
  assert.equal(decide(p, v(0.5, 'suspicious', 'c2'), id()).rule, 'sus');
  assert.equal(decide(p, undefined, id()).rule, 'unknown');
  const d = decide(p, v(0.1, 'benign'), id());
  assert.deepEqual([d.action, d.rule], ['allow', 'default']);
  // Reasons carry the rule and the verdict's reasons.
  assert.match(decide(p, v(0.95, 'distillation'), id()).reasons[0]!.detail, /rule hi: verdict distillation, score 0.95/);
});

test('campaign and list conditions; watermark is accepted', () => {
  const p = parsePolicy({
    lists: { watch: { accounts: ['w1'] } },
    rules: [
      { when: { campaign: false, list: 'watch' }, action: 'watermark' },
      { when: { campaign: true }, action: 'flag' },
    ],
  });
  assert.equal(decide(p, undefined, id({ account_id: 'w1' })).action, 'watermark');
  assert.equal(decide(p, v(0.2, 'benign', 'c9'), id({ account_id: 'w1' })).action, 'flag');
  assert.equal(decide(p, v(0.2, 'benign'), id()).action, 'allow');
});

test('decide is fast (pure, no I/O)', () => {
  const p = compilePolicy(parsePolicy(JSON.parse(stripComments(readFileSync(fixture('gateway', 'policy.example.jsonc'), 'utf8')))));
  const ident = id({ ip: '192.0.2.1' });
  const verdict = v(0.5, 'benign');
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) decide(p, verdict, ident);
  const us = ((performance.now() - t0) * 1000) / n;
  assert.ok(us < 5, `decide took ${us.toFixed(2)} µs per call`);
});

test('the example policy (fixture and the one in docs/gateway.md) loads', () => {
  const p = loadPolicy(fixture('gateway', 'policy.example.jsonc'));
  assert.equal(p.rules.length, 5);
  const doc = readFileSync(join(repoRoot(), 'docs', 'gateway.md'), 'utf8');
  const m = /```jsonc\n([\s\S]*?)```/.exec(doc);
  assert.ok(m, 'docs/gateway.md has a jsonc policy block');
  assert.deepEqual(parsePolicy(JSON.parse(stripComments(m[1]!))), p);
});

test('stripComments keeps strings intact', () => {
  assert.deepEqual(JSON.parse(stripComments('{"a": "x // y", /* c */ "b": "\\" /*"} // end')), { a: 'x // y', b: '" /*' });
});

test('StaticVerdicts reads accounts.jsonl lines and reports bad lines', () => {
  const s = StaticVerdicts.fromJsonl(
    '{"account_id":"a","score":0.9,"verdict":"distillation","campaign_id":"c1","reasons":[],"interactions":3}\n\n{"account_id":"b","score":0.1,"verdict":"benign","campaign_id":null}\n',
  );
  assert.equal(s.size, 2);
  assert.equal(s.verdict('a')?.campaign_id, 'c1');
  assert.equal(s.verdict('zzz'), undefined);
  assert.throws(() => StaticVerdicts.fromJsonl('{"account_id":"a","score":2,"verdict":"benign"}', 'f.jsonl'), /f\.jsonl:1: score/);
  assert.throws(() => StaticVerdicts.fromJsonl('nope', 'f.jsonl'), /f\.jsonl:1: not JSON/);
});

test('CIDR matching: IPv4, IPv6, IPv4-mapped', async () => {
  const { CidrSet, parseIp } = await import('./cidr.js');
  const s = new CidrSet();
  for (const c of ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7', '::1']) assert.ok(s.add(c));
  const has = (ip: string) => s.has(parseIp(ip)!);
  assert.ok(has('203.0.113.255'));
  assert.ok(!has('203.0.114.0'));
  assert.ok(has('::ffff:203.0.113.9'));
  assert.ok(has('2001:db8:ffff::1'));
  assert.ok(!has('2001:db9::1'));
  assert.ok(has('198.51.100.7'));
  assert.ok(!has('198.51.100.8'));
  assert.ok(has('::1'));
  assert.ok(!has('::2'));
  assert.ok(!s.add('1.2.3.4/40'));
});
