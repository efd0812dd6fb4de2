/** STIX export: schema-valid, deterministic, private; attribution only when set. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBundle, HASHED_KINDS } from './export.js';
import { StixSchemas } from './schema.js';
import { validateBundle } from './validate.js';
import { keyedHash } from './keys.js';
import { parsePattern } from './pattern.js';
import { extractIndicators } from './import.js';
import { tlpOfId } from './tlp.js';
import { SECRET_VALUES, syntheticCampaign, syntheticIntel, TEST_KEY } from './testdata.js';

const { schemas, reason } = StixSchemas.load();
const base = { provider: 'Provider A', tlp: 'amber' as const, key: TEST_KEY, attribution: new Map() };

test('export: every object type the issue lists; valid under the specification rules', () => {
  const { bundle, counts } = buildBundle([syntheticIntel()], base);
  const types = new Set(bundle.objects.map((o) => o.type));
  for (const t of ['identity', 'campaign', 'infrastructure', 'indicator', 'sighting', 'observed-data', 'relationship', 'marking-definition', 'extension-definition', 'llm-prompt']) assert.ok(types.has(t), `has ${t}`);
  assert.ok(!types.has('threat-actor'), 'no threat actor without attribution');
  for (const k of ['ip', 'cidr', 'asn', 'email_domain', 'payment', 'signup_burst', 'template', 'system_prompt', 'reasoning_phrase']) assert.ok((counts[`indicator:${k}`] ?? 0) > 0, `indicator kind ${k}`);
  const v = validateBundle(bundle, null);
  assert.deepEqual(v.errors, []);
  for (const o of bundle.objects) if (o.type === 'indicator') assert.doesNotThrow(() => parsePattern(o.pattern as string));
  for (const o of bundle.objects) if (o.type !== 'marking-definition' && o.type !== 'llm-prompt' && o.id.startsWith('identity--') === false && o.type !== 'extension-definition') assert.equal(tlpOfId((o.object_marking_refs as string[])[0]!), 'amber', `${o.id} is marked`);
  const sightings = bundle.objects.filter((o) => o.type === 'sighting');
  assert.ok(sightings.every((s) => typeof s.count === 'number' && s.first_seen && s.last_seen));
  // the malformed v6 block and the impure e-mail domain are left out
  assert.ok(!JSON.stringify(bundle).includes('2001:db8:1:::/48'));
  assert.ok(!JSON.stringify(bundle).includes('gmail.com'));
});

test('export: validates against the OASIS STIX 2.1 JSON schemas', { skip: schemas ? false : `${reason}` }, () => {
  for (const tlp of ['clear', 'green', 'amber', 'amber+strict', 'red'] as const) {
    const attribution = new Map([['C001-abcdef', { campaign_id: 'C001-abcdef', actor: 'Operator X', actor_types: ['competitor'], description: 'shared payment', set_at: Date.parse('2026-06-10T00:00:00Z') }]]);
    const { bundle } = buildBundle([syntheticIntel()], { ...base, tlp, attribution });
    const v = validateBundle(bundle, schemas);
    assert.deepEqual(v.errors, [], tlp);
    assert.ok(v.schemaChecked);
  }
  // and the schema pass is not vacuous: a broken object fails it
  const { bundle } = buildBundle([syntheticIntel()], base);
  const ind = bundle.objects.find((o) => o.type === 'indicator')!;
  delete ind.pattern_type;
  assert.match(validateBundle(bundle, schemas).errors.join('\n'), /schema: .*indicator/);
});

test('export: deterministic ids and bytes for the same campaign; other campaigns get other ids', () => {
  const a = JSON.stringify(buildBundle([syntheticIntel()], base).bundle);
  const b = JSON.stringify(buildBundle([syntheticIntel()], base).bundle);
  assert.equal(a, b);
  const other = buildBundle([syntheticIntel(syntheticCampaign('C001-abcdef', ['acct_x', 'acct_y']))], base).bundle;
  const camp = (s: string) => (JSON.parse(s) as { objects: Array<{ type: string; id: string }> }).objects.find((o) => o.type === 'campaign')!.id;
  assert.notEqual(camp(a), camp(JSON.stringify(other)));
});

test('privacy: customer-identifying values leave only as keyed hashes, and not at all without a key; prompts only on request', () => {
  const keyed = JSON.stringify(buildBundle([syntheticIntel()], base).bundle);
  for (const s of SECRET_VALUES) assert.ok(!keyed.includes(s), `${s} must not appear`);
  assert.ok(keyed.includes(keyedHash(TEST_KEY, 'payment', SECRET_VALUES[0]!)));
  assert.ok(keyed.includes(keyedHash(TEST_KEY, 'template', SECRET_VALUES[2]!)));
  const { bundle, notes } = buildBundle([syntheticIntel()], { ...base, key: null });
  const text = JSON.stringify(bundle);
  for (const s of SECRET_VALUES) assert.ok(!text.includes(s));
  assert.ok(!bundle.objects.some((o) => String(o.pattern ?? '').includes('_hmac')), 'no hashed indicators without a key');
  assert.match(notes.join('\n'), /left out: they identify customers/);
  const kinds = new Set(bundle.objects.filter((o) => o.type === 'indicator').map((o) => (o.labels as string[])[1]));
  for (const k of HASHED_KINDS) assert.ok(!kinds.has(`distillguard-kind:${k}`));
  assert.ok(!keyed.includes('example_prompts'));
  const withPrompts = JSON.stringify(buildBundle([syntheticIntel()], { ...base, prompts: new Map([['C001-abcdef', ['Task: [email] …']]]) }).bundle);
  assert.ok(withPrompts.includes('x_distillguard_example_prompts'));
});

test('attribution: a threat-actor and an attributed-to relationship only for attributed campaigns', () => {
  const attribution = new Map([['C001-abcdef', { campaign_id: 'C001-abcdef', actor: 'Operator X', actor_types: ['competitor'], description: null, set_at: Date.parse('2026-06-10T00:00:00Z') }]]);
  const { bundle } = buildBundle([syntheticIntel(), syntheticIntel(syntheticCampaign('C002-zzzzzz', ['acct_z1', 'acct_z2']))], { ...base, attribution });
  const actors = bundle.objects.filter((o) => o.type === 'threat-actor');
  assert.equal(actors.length, 1);
  const rel = bundle.objects.filter((o) => o.type === 'relationship' && o.relationship_type === 'attributed-to');
  assert.equal(rel.length, 1);
  assert.equal(rel[0]!.target_ref, actors[0]!.id);
  const camp = bundle.objects.find((o) => o.id === rel[0]!.source_ref)!;
  assert.equal(camp.x_distillguard_campaign_id, 'C001-abcdef');
  assert.deepEqual(validateBundle(bundle, null).errors, []);
});

test('import side: the exported indicators are extracted with their source, campaign and kinds', () => {
  const { bundle } = buildBundle([syntheticIntel()], base);
  const x = extractIndicators(bundle as unknown as Record<string, unknown>, TEST_KEY);
  assert.equal(x.unsupported, 0);
  assert.deepEqual(x.sources, ['Provider A']);
  const kinds = new Set(x.indicators.map((i) => i.kind));
  for (const k of ['ip', 'cidr', 'asn', 'email_domain_hmac', 'payment_hmac', 'signup_burst', 'template_hmac', 'system_prompt_hmac', 'reasoning_phrase']) assert.ok(kinds.has(k as never), k);
  assert.ok(x.indicators.every((i) => i.campaign === 'LLM distillation campaign C001-abcdef'));
  const pay = x.indicators.find((i) => i.kind === 'payment_hmac')!;
  assert.equal(pay.value, keyedHash(TEST_KEY, 'payment', SECRET_VALUES[0]!));
  assert.equal(pay.tlp, 'amber');
});
