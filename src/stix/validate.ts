/**
 * Bundle validation: the OASIS JSON schemas (schema.ts) plus the rules of the STIX 2.1 specification they cannot
 * express, and limits that keep hostile input (another provider's file is untrusted) from exhausting memory or the
 * stack:
 * - only STIX 2.1 (`spec_version` "2.1"); ids well formed and prefixed by their type; no id given twice for one version;
 * - `modified` not before `created`; `valid_until` after `valid_from`; `last_seen` not before `first_seen`;
 * - every STIX pattern parses (pattern.ts) and fits the rules the grammar leaves out;
 * - every `*_ref` / `*_refs` resolves to an object of the bundle (the OASIS TLP markings are known without it);
 * - no reference cycles (marking definitions must not mark themselves, and nothing legitimate needs a cycle);
 * - size, object count, nesting depth and string length within limits.
 */
import { STIX_ID_RE } from './ids.js';
import { PatternError, parsePattern } from './pattern.js';
import type { StixSchemas } from './schema.js';
import { TLP2_EXTENSION, tlpOfId } from './tlp.js';

export const LIMITS = {
  /** Largest bundle file read. */
  bytes: 16 * 1024 * 1024,
  objects: 20_000,
  /** JSON nesting depth. */
  depth: 24,
  /** Longest string value. */
  stringChars: 1_000_000,
  /** Properties of one JSON object. */
  keys: 2_000,
};

/** TLP 1.0 marking definitions that STIX 2.1 predefines (a bundle may refer to them without including them). */
const TLP1_IDS = new Set([
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
]);

const TIMESTAMP_RE = /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z$/;

export interface ValidationResult {
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** Whether the OASIS schemas were applied (false when they are not installed). */
  schemaChecked: boolean;
}

type Obj = Record<string, unknown>;

/** Walk JSON checking depth, string length and key counts; returns the first problem or null. */
export function checkShape(v: unknown, depth = 0, path = '$'): string | null {
  if (depth > LIMITS.depth) return `${path}: nested deeper than ${LIMITS.depth} levels`;
  if (typeof v === 'string') return v.length > LIMITS.stringChars ? `${path}: string longer than ${LIMITS.stringChars} characters` : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = checkShape(v[i], depth + 1, `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length > LIMITS.keys) return `${path}: more than ${LIMITS.keys} properties`;
    for (const k of keys) {
      if (k === '__proto__' || k.length > 250) return `${path}: property name ${JSON.stringify(k.slice(0, 40))} is not allowed`;
      const p = checkShape((v as Obj)[k], depth + 1, `${path}.${k}`);
      if (p) return p;
    }
  }
  return null;
}

function ms(s: unknown): number | null {
  return typeof s === 'string' && TIMESTAMP_RE.test(s) ? Date.parse(s.replace(/:60(\.|Z)/, ':59$1')) : null;
}

/** Every reference in an object: [property path, id]. */
function refsOf(o: Obj, path = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [k, v] of Object.entries(o)) {
    const p = path ? `${path}.${k}` : k;
    if (k.endsWith('_ref')) out.push([p, v]);
    else if (k.endsWith('_refs')) {
      if (Array.isArray(v)) v.forEach((x, i) => out.push([`${p}[${i}]`, x]));
      else out.push([p, v]);
    } else if (Array.isArray(v)) v.forEach((x, i) => x && typeof x === 'object' && !Array.isArray(x) && refsOf(x as Obj, `${p}[${i}]`, out));
    else if (v && typeof v === 'object') refsOf(v as Obj, p, out);
  }
  return out;
}

/**
 * References that must not form a cycle: a marking definition's own markings, creator chains, and what an object
 * contains or is about (object_refs, sighting_of_ref, ...). Left out: a relationship's two ends (edges of a graph,
 * which may well be cyclic), the markings of ordinary objects (an identity marked with a statement that it created
 * is common), and an identity naming itself as its creator.
 */
function cycleEdges(o: Obj): string[] {
  const out: string[] = [];
  for (const [p, id] of refsOf(o)) {
    if (typeof id !== 'string') continue;
    if (o.type === 'relationship' && (p === 'source_ref' || p === 'target_ref')) continue;
    const marking = p.startsWith('object_marking_refs') || p.endsWith('marking_ref');
    if (marking && o.type !== 'marking-definition') continue;
    if (p === 'created_by_ref' && id === o.id) continue;
    out.push(id);
  }
  return out;
}

function findCycle(objects: Map<string, Obj>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  // Iterative DFS (a hostile chain of 20,000 references must not overflow the stack).
  for (const start of objects.keys()) {
    if (state.has(start)) continue;
    const iters: Array<{ id: string; next: string[]; i: number }> = [{ id: start, next: cycleEdges(objects.get(start)!), i: 0 }];
    state.set(start, 1);
    stack.push(start);
    while (iters.length) {
      const top = iters[iters.length - 1]!;
      if (top.i >= top.next.length) {
        state.set(top.id, 2);
        stack.pop();
        iters.pop();
        continue;
      }
      const n = top.next[top.i++]!;
      const o = objects.get(n);
      if (!o) continue;
      const s = state.get(n);
      if (s === 1) return [...stack.slice(stack.indexOf(n)), n];
      if (s === 2) continue;
      state.set(n, 1);
      stack.push(n);
      iters.push({ id: n, next: cycleEdges(o), i: 0 });
    }
  }
  return null;
}

/** Validate a parsed bundle. `schemas` null skips the JSON-schema pass (reported in `schemaChecked`). */
export function validateBundle(bundle: unknown, schemas: StixSchemas | null): ValidationResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const done = (): ValidationResult => ({ ok: errors.length === 0, errors, warnings, schemaChecked: schemas !== null });
  const shape = checkShape(bundle);
  if (shape) {
    errors.push(shape);
    return done();
  }
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    errors.push('not a STIX bundle: expected a JSON object with "type": "bundle"');
    return done();
  }
  const b = bundle as Obj;
  if (b.type !== 'bundle') errors.push(`not a STIX bundle: "type" is ${JSON.stringify(b.type)}, expected "bundle"`);
  if (typeof b.id !== 'string' || !STIX_ID_RE.test(b.id) || !b.id.startsWith('bundle--')) errors.push(`bundle id ${JSON.stringify(b.id)} is not a valid bundle identifier`);
  if ('spec_version' in b && b.spec_version !== '2.1') errors.push(`spec_version ${JSON.stringify(b.spec_version)} is not supported: only STIX 2.1 bundles are accepted`);
  if (!Array.isArray(b.objects) || b.objects.length === 0) {
    errors.push('the bundle holds no objects');
    return done();
  }
  if (b.objects.length > LIMITS.objects) {
    errors.push(`the bundle holds ${b.objects.length} objects; at most ${LIMITS.objects} are accepted`);
    return done();
  }
  if (errors.length) return done();

  const byId = new Map<string, Obj>();
  const versions = new Set<string>();
  const allIds = new Set(b.objects.map((x) => (x && typeof x === 'object' ? (x as Obj).id : undefined)));
  b.objects.forEach((raw, i) => {
    if (errors.length >= 50) return;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push(`objects[${i}]: not a JSON object`);
      return;
    }
    const o = raw as Obj;
    const where = `objects[${i}] (${typeof o.id === 'string' ? o.id : String(o.type)})`;
    if (typeof o.type !== 'string' || typeof o.id !== 'string' || !STIX_ID_RE.test(o.id)) {
      errors.push(`${where}: missing or malformed "type" or "id"`);
      return;
    }
    if (!o.id.startsWith(`${o.type}--`)) errors.push(`${where}: id does not start with its type "${o.type}--"`);
    const isSco = !('created' in o) && o.type !== 'marking-definition';
    if (!isSco || 'spec_version' in o) {
      if (o.spec_version !== '2.1') errors.push(`${where}: spec_version ${JSON.stringify(o.spec_version)} is not supported: only STIX 2.1 objects are accepted`);
    }
    const version = `${o.id}@${String(o.modified ?? o.created ?? '')}`;
    if (versions.has(version)) errors.push(`${where}: the same id and version appear twice`);
    versions.add(version);
    const prev = byId.get(o.id);
    if (!prev || (ms(o.modified) ?? 0) > (ms(prev.modified) ?? 0)) byId.set(o.id, o);

    const created = ms(o.created);
    const modified = ms(o.modified);
    if ('created' in o && created === null) errors.push(`${where}: created ${JSON.stringify(o.created)} is not a STIX timestamp`);
    if ('modified' in o && modified === null) errors.push(`${where}: modified ${JSON.stringify(o.modified)} is not a STIX timestamp`);
    if (created !== null && modified !== null && modified < created) errors.push(`${where}: modified (${String(o.modified)}) is before created (${String(o.created)})`);
    for (const [a, z] of [
      ['valid_from', 'valid_until'],
      ['first_seen', 'last_seen'],
      ['first_observed', 'last_observed'],
    ] as const) {
      const x = ms(o[a]);
      const y = ms(o[z]);
      if (x !== null && y !== null && (a === 'valid_from' ? y <= x : y < x)) errors.push(`${where}: ${z} (${String(o[z])}) is ${a === 'valid_from' ? 'not after' : 'before'} ${a} (${String(o[a])})`);
    }
    if (o.type === 'indicator') {
      if (o.pattern_type === 'stix') {
        try {
          parsePattern(o.pattern as string);
        } catch (e) {
          errors.push(`${where}: invalid STIX pattern: ${e instanceof PatternError ? e.message : (e as Error).message}`);
        }
        if ('pattern_version' in o && o.pattern_version !== '2.1' && o.pattern_version !== '2.0') errors.push(`${where}: pattern_version ${JSON.stringify(o.pattern_version)} is not a STIX pattern version`);
      } else warnings.push(`${where}: pattern_type ${JSON.stringify(o.pattern_type)} is not STIX; it is kept but not matched`);
    }
    if (o.type === 'marking-definition' && Array.isArray(o.object_marking_refs) && o.object_marking_refs.includes(o.id)) errors.push(`${where}: a marking definition marks itself (cyclic reference)`);
    const ext = o.extensions;
    if (ext && typeof ext === 'object') for (const k of Object.keys(ext)) if (k.startsWith('extension-definition--') && k !== TLP2_EXTENSION && !allIds.has(k)) warnings.push(`${where}: extension ${k} is not defined in the bundle`);
  });
  if (errors.length) return done();

  for (const o of byId.values()) {
    for (const [p, id] of refsOf(o)) {
      if (typeof id !== 'string' || !STIX_ID_RE.test(id)) errors.push(`${String(o.id)}: ${p} is not a STIX identifier: ${JSON.stringify(id)}`);
      else if (!byId.has(id) && !TLP1_IDS.has(id) && !tlpOfId(id)) errors.push(`${String(o.id)}: ${p} refers to ${id}, which is not in the bundle`);
      if (errors.length >= 50) return done();
    }
  }
  if (errors.length) return done();
  const cycle = findCycle(byId);
  if (cycle) errors.push(`cyclic references: ${cycle.join(' -> ')}`);
  if (errors.length) return done();

  if (schemas) for (const e of schemas.validateBundle(b)) errors.push(`schema: ${e}`);
  return done();
}
