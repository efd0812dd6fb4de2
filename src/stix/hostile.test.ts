/** Import refuses malformed and hostile bundles, each with a clear reason, and stores nothing from them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../store/store.js';
import { scratch, shared } from '../testutil/fixtures.js';
import { buildBundle } from './export.js';
import { BundleError, importBundle, readBundleFile } from './import.js';
import { StixSchemas } from './schema.js';
import { syntheticIntel, TEST_KEY } from './testdata.js';
import { LIMITS, validateBundle } from './validate.js';

type Obj = Record<string, unknown>;
const { schemas } = StixSchemas.load();

function good(): { type: string; id: string; objects: Obj[] } {
  const { bundle } = buildBundle([syntheticIntel()], { provider: 'Provider A', tlp: 'green', key: TEST_KEY, attribution: new Map() });
  return JSON.parse(JSON.stringify(bundle)) as { type: string; id: string; objects: Obj[] };
}
const indicator = (b: ReturnType<typeof good>) => b.objects.find((o) => o.type === 'indicator')!;

async function rejects(bundle: unknown, re: RegExp): Promise<void> {
  const store = await Store.open(':memory:');
  try {
    await assert.rejects(importBundle(store, bundle, 'partner.json', schemas, TEST_KEY), (e: unknown) => e instanceof BundleError && re.test(e.message), String(re));
    const t = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'intel_indicators'`);
    if (Number(t?.n)) assert.equal(Number((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM intel_indicators'))?.n), 0, 'nothing stored');
  } finally {
    store.close();
  }
}

test('a well-formed partner bundle is accepted and stored', async () => {
  const store = await Store.open(':memory:');
  try {
    const r = await importBundle(store, good(), 'partner.json', schemas, TEST_KEY);
    assert.ok(r.indicators > 5);
    assert.deepEqual(r.sources, ['Provider A']);
    const n = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM intel_indicators WHERE source_name = 'Provider A'`);
    assert.equal(Number(n?.n), r.rows);
    // importing it again replaces, not duplicates
    await importBundle(store, good(), 'partner.json', schemas, TEST_KEY);
    assert.equal(Number((await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM intel_indicators`))?.n), r.rows);
  } finally {
    store.close();
  }
});

test('wrong spec version', async () => {
  const b = good();
  indicator(b).spec_version = '2.0';
  await rejects(b, /spec_version "2\.0" is not supported: only STIX 2\.1/);
  await rejects({ ...good(), spec_version: '2.0' }, /only STIX 2\.1 bundles/);
});

test('huge: file size, object count, nesting depth, string length', async () => {
  const { dir, cleanup } = scratch();
  try {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(LIMITS.bytes + 1, 0x20));
    assert.throws(() => readBundleFile(big), (e: unknown) => e instanceof BundleError && /bundles larger than 16 MiB are refused/.test(e.message));
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, '{"type": "bundle", ');
    assert.throws(() => readBundleFile(notJson), /is not valid JSON/);
  } finally {
    cleanup();
  }
  const b = good();
  const ind = indicator(b);
  b.objects = Array.from({ length: LIMITS.objects + 1 }, (_, i) => ({ ...ind, id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
  await rejects(b, /at most 20000 are accepted/);
  let deep: unknown = 'x';
  for (let i = 0; i < 200; i++) deep = { nest: deep };
  const d = good();
  indicator(d).x_deep = deep;
  await rejects(d, /nested deeper than/);
  const s = good();
  indicator(s).description = 'x'.repeat(LIMITS.stringChars + 1);
  await rejects(s, /string longer than/);
});

test('cyclic references', async () => {
  const b = good();
  const m1 = 'marking-definition--11111111-1111-4111-8111-111111111111';
  const m2 = 'marking-definition--22222222-2222-4222-8222-222222222222';
  const md = (id: string, other: string) => ({ type: 'marking-definition', spec_version: '2.1', id, created: '2026-01-01T00:00:00.000Z', definition_type: 'statement', definition: { statement: 'x' }, object_marking_refs: [other] });
  b.objects.push(md(m1, m2), md(m2, m1));
  await rejects(b, /cyclic references: marking-definition--/);
  const self = good();
  self.objects.push(md(m1, m1));
  await rejects(self, /marks itself/);
  // containment cycle: a report that contains a note that refers back to the report
  const r = good();
  const ident = r.objects.find((o) => o.type === 'identity')!.id as string;
  const rep = 'report--33333333-3333-4333-8333-333333333333';
  const note = 'note--44444444-4444-4444-8444-444444444444';
  const t = '2026-01-01T00:00:00.000Z';
  r.objects.push({ type: 'report', spec_version: '2.1', id: rep, created: t, modified: t, name: 'r', published: t, object_refs: [note, ident] });
  r.objects.push({ type: 'note', spec_version: '2.1', id: note, created: t, modified: t, content: 'n', object_refs: [rep] });
  await rejects(r, /cyclic references: (report|note)--/);
});

test('bad patterns', async () => {
  for (const p of ["[ipv4-addr:value = '300.1.1.1']", "[ipv4-addr:value = '1.2.3.4'", "[a-b:c = 'x' AND d-e:f = 'y']", '']) {
    const b = good();
    indicator(b).pattern = p;
    await rejects(b, /invalid STIX pattern/);
  }
});

test('references that do not resolve, time travel, duplicates, bad ids, hostile keys', async () => {
  const a = good();
  indicator(a).created_by_ref = 'identity--99999999-9999-4999-8999-999999999999';
  await rejects(a, /refers to identity--9999.*not in the bundle/);
  const b = good();
  indicator(b).created = '2026-06-01T00:00:00.000Z';
  indicator(b).modified = '2026-05-01T00:00:00.000Z';
  await rejects(b, /modified \(2026-05-01T00:00:00\.000Z\) is before created/);
  const c = good();
  c.objects.push({ ...indicator(c) });
  await rejects(c, /the same id and version appear twice/);
  const d = good();
  indicator(d).id = 'campaign--' + (indicator(d).id as string).split('--')[1];
  await rejects(d, /does not start with its type/);
  const e = good();
  indicator(e).valid_until = '2020-01-01T00:00:00.000Z';
  await rejects(e, /valid_until .* is not after valid_from/);
  const f = JSON.parse(JSON.stringify(good()).replace('"confidence":', '"__proto__": {"polluted": true}, "confidence":')) as unknown;
  await rejects(f, /is not allowed/);
  assert.equal(({} as Obj).polluted, undefined);
  await rejects({ type: 'campaign', id: 'bundle--x' }, /not a STIX bundle/);
  await rejects([1, 2], /not a STIX bundle/);
});

test('the validator accepts the OASIS example bundles (it is not stricter than the specification)', { skip: schemas ? false : 'the OASIS STIX 2.1 schemas and examples are not in ../shared/stix2.1' }, () => {
  const root = shared('stix2.1', 'examples');
  const files = [...readdirSync(root).map((f) => join(root, f)), ...readdirSync(join(root, 'threat-reports')).map((f) => join(root, 'threat-reports', f))].filter((f) => f.endsWith('.json'));
  let bundles = 0;
  for (const f of files) {
    const j = JSON.parse(readFileSync(f, 'utf8')) as Obj;
    if (j.type !== 'bundle') continue;
    bundles++;
    assert.deepEqual(validateBundle(j, schemas).errors, [], f);
  }
  assert.ok(bundles >= 5);
});
