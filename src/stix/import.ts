/**
 * Another provider's STIX 2.1 bundle into the store (`distillguard stix import`). The file is untrusted: it is read
 * only up to a size limit, validated in full (validate.ts: schemas, spec rules, patterns, references, cycles, limits)
 * and rejected as a whole with the reasons when anything is wrong. Indicators whose patterns distillguard can match
 * become rows of `intel_indicators` (kind, value, confidence, validity, source identity, campaign); the analysis
 * matches accounts against them (src/detect/intel.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { lit, type Store } from '../store/store.js';
import type { CommunityKey } from './keys.js';
import { observations, parsePattern, type Comparison, type Literal, type Observation } from './pattern.js';
import type { StixSchemas } from './schema.js';
import { tlpOfId } from './tlp.js';
import { LIMITS, validateBundle } from './validate.js';

/** Kinds of imported indicators distillguard matches (see src/detect/intel.ts for their weights). */
export const MATCH_KINDS = ['ip', 'cidr', 'asn', 'email_domain', 'email_domain_hmac', 'payment_hmac', 'signup_burst', 'template_hmac', 'system_prompt_hmac', 'reasoning_phrase'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export interface ImportedIndicator {
  indicator_id: string;
  source_id: string;
  source_name: string;
  campaign: string | null;
  kind: MatchKind;
  /** For signup_burst: "tier|fromMs|toMs". Hashes are lower-case hex. */
  value: string;
  confidence: number;
  valid_from: number | null;
  valid_until: number | null;
  key_id: string | null;
  tlp: string | null;
  pattern: string;
}

export class BundleError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n  - ${problems.slice(0, 20).join('\n  - ')}${problems.length > 20 ? `\n  - ... and ${problems.length - 20} more` : ''}` : message);
    this.name = 'BundleError';
  }
}

/** Read and parse a bundle file within the size limit. */
export function readBundleFile(path: string): unknown {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new BundleError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (size > LIMITS.bytes) throw new BundleError(`${path} is ${(size / 1048576).toFixed(1)} MiB; bundles larger than ${LIMITS.bytes / 1048576} MiB are refused`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BundleError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

type Obj = Record<string, unknown>;

function str(l: Literal): string | null {
  return l.kind === 'string' ? l.value : null;
}

/** The matchable (kind, value) pairs of one simple observation, or null when it has a shape distillguard does not match. */
function matchable(c: Comparison): Array<[MatchKind, string]> | null {
  if (c.kind === 'or') {
    const a = matchable(c.left);
    const b = matchable(c.right);
    return a && b ? [...a, ...b] : null;
  }
  if (c.kind === 'and') return signupBurst(c);
  if (c.kind !== 'test' || c.negated || c.path.steps.length !== 1) return null;
  const prop = c.path.steps[0];
  const vals = Array.isArray(c.value) ? c.value : [c.value];
  const eq = c.op === '=' || c.op === 'IN';
  const strings = vals.map(str);
  const allStrings = strings.every((s): s is string => s !== null);
  const t = c.path.type;
  if ((t === 'ipv4-addr' || t === 'ipv6-addr') && prop === 'value' && allStrings) {
    if (eq) return strings.map((v) => [v.includes('/') ? 'cidr' : 'ip', v]);
    if (c.op === 'ISSUBSET') return strings.map((v) => [v.includes('/') ? 'cidr' : 'ip', v]);
    return null;
  }
  if (t === 'autonomous-system' && prop === 'number' && eq && vals.every((v) => v.kind === 'int')) return vals.map((v) => ['asn', String(v.value)]);
  if (!eq && !(c.op === 'LIKE' && t === 'email-addr' && prop === 'value')) return null;
  if (!allStrings) return null;
  const hex = (k: MatchKind) => (strings.every((v) => /^[0-9a-fA-F]{64}$/.test(v)) ? strings.map((v): [MatchKind, string] => [k, v.toLowerCase()]) : null);
  if (t === 'email-addr' && prop === 'x_domain_hmac') return hex('email_domain_hmac');
  if (t === 'email-addr' && prop === 'value' && c.op === 'LIKE') {
    const m = strings.map((v) => /^%@([a-z0-9.-]+\.[a-z]{2,})$/i.exec(v)?.[1]?.toLowerCase() ?? null);
    return m.every((x): x is string => x !== null) ? m.map((d) => ['email_domain', d]) : null;
  }
  if (t === 'domain-name' && prop === 'value') return strings.map((v) => ['email_domain', v.toLowerCase()]);
  if (t === 'user-account' && prop === 'x_payment_fingerprint_hmac') return hex('payment_hmac');
  if (t === 'llm-prompt' && prop === 'template_hmac') return hex('template_hmac');
  if (t === 'llm-prompt' && prop === 'system_prompt_hmac') return hex('system_prompt_hmac');
  if (t === 'llm-prompt' && prop === 'reasoning_elicitation') return strings.filter((v) => v.trim().length >= 4).map((v) => ['reasoning_phrase', v.trim().toLowerCase()]);
  return null;
}

/** [user-account:account_type = T AND user-account:account_created >= A AND user-account:account_created <= B]. */
function signupBurst(c: Comparison): Array<[MatchKind, string]> | null {
  const tests: Array<Comparison & { kind: 'test' }> = [];
  const flat = (x: Comparison): boolean => {
    if (x.kind === 'and') return flat(x.left) && flat(x.right);
    if (x.kind !== 'test' || x.negated || x.path.type !== 'user-account' || x.path.steps.length !== 1) return false;
    tests.push(x);
    return true;
  };
  if (!flat(c)) return null;
  let tier: string | null = null;
  let from: number | null = null;
  let to: number | null = null;
  for (const t of tests) {
    const v = Array.isArray(t.value) ? null : t.value;
    if (!v) return null;
    if (t.path.steps[0] === 'account_type' && t.op === '=' && v.kind === 'string') tier = v.value.toLowerCase();
    else if (t.path.steps[0] === 'account_created' && v.kind === 'timestamp' && (t.op === '>=' || t.op === '>')) from = Date.parse(v.value);
    else if (t.path.steps[0] === 'account_created' && v.kind === 'timestamp' && (t.op === '<=' || t.op === '<')) to = Date.parse(v.value);
    else return null;
  }
  if (tier === null || from === null || to === null || !(to >= from) || to - from > 7 * 86_400_000) return null;
  return [['signup_burst', `${tier}|${from}|${to}`]];
}

/** Kinds and values of a pattern, or null when it cannot be matched as a whole (each simple observation on its own). */
export function patternMatchables(o: Observation): Array<[MatchKind, string]> | null {
  // Observations joined by AND or FOLLOWEDBY, and qualifiers, need correlation in time that the analysis does not do.
  const simple = (x: Observation): boolean => (x.kind === 'or' ? simple(x.left) && simple(x.right) : x.kind === 'group' ? x.qualifiers.length === 0 && simple(x.inner) : x.kind === 'observation' && x.qualifiers.length === 0);
  if (!simple(o)) return null;
  const out: Array<[MatchKind, string]> = [];
  for (const ob of observations(o)) {
    const m = matchable(ob.comparison);
    if (!m) return null;
    out.push(...m);
  }
  return out;
}

export interface ExtractResult {
  indicators: ImportedIndicator[];
  /** Indicators with a pattern distillguard cannot match (kept out of the store). */
  unsupported: number;
  revoked: number;
  warnings: string[];
  sources: string[];
}

/** The matchable indicators of a validated bundle. */
export function extractIndicators(bundle: Obj, key: CommunityKey | null): ExtractResult {
  const objects = bundle.objects as Obj[];
  const byId = new Map<string, Obj>();
  for (const o of objects) {
    const prev = byId.get(o.id as string);
    if (!prev || String(o.modified ?? '') > String(prev.modified ?? '')) byId.set(o.id as string, o);
  }
  // Relationship ends, both ways, so each indicator's campaign is found in constant time.
  const targets = new Map<string, string[]>();
  const sources = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, k: string, v: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const o of byId.values()) {
    if (o.type !== 'relationship') continue;
    push(targets, o.source_ref as string, o.target_ref as string);
    push(sources, o.target_ref as string, o.source_ref as string);
  }
  const campaignOf = (indicatorId: string): string | null => {
    for (const t of targets.get(indicatorId) ?? []) {
      const x = byId.get(t);
      if (x?.type === 'campaign') return String(x.name);
      if (x?.type === 'infrastructure' || x?.type === 'intrusion-set' || x?.type === 'threat-actor') {
        const c = (sources.get(t) ?? []).map((s) => byId.get(s)).find((s) => s?.type === 'campaign');
        return String((c ?? x).name);
      }
    }
    return null;
  };
  const warnings: string[] = [];
  const out: ImportedIndicator[] = [];
  const sourceNames = new Set<string>();
  let unsupported = 0;
  let revoked = 0;
  let otherKey = 0;
  for (const o of byId.values()) {
    if (o.type !== 'indicator') continue;
    if (o.revoked === true) {
      revoked++;
      continue;
    }
    if (o.pattern_type !== 'stix') {
      unsupported++;
      continue;
    }
    const m = patternMatchables(parsePattern(o.pattern as string));
    if (!m || m.length === 0) {
      unsupported++;
      continue;
    }
    const creator = typeof o.created_by_ref === 'string' ? byId.get(o.created_by_ref) : undefined;
    const sourceId = creator?.type === 'identity' ? String(creator.id) : 'unknown';
    const sourceName = creator?.type === 'identity' && typeof creator.name === 'string' ? creator.name : `an unnamed source (bundle ${String(bundle.id)})`;
    sourceNames.add(sourceName);
    const keyId = typeof o.x_distillguard_key_id === 'string' ? o.x_distillguard_key_id : null;
    const hashed = m.some(([k]) => k.endsWith('_hmac'));
    if (hashed && key && keyId && keyId !== key.id) otherKey++;
    const marking = Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]).map(tlpOfId).find((x) => x !== undefined) : undefined;
    for (const [kind, value] of m) {
      out.push({
        indicator_id: String(o.id),
        source_id: sourceId,
        source_name: sourceName,
        campaign: campaignOf(String(o.id)),
        kind,
        value,
        confidence: typeof o.confidence === 'number' ? o.confidence : 50,
        valid_from: typeof o.valid_from === 'string' ? Date.parse(o.valid_from) : null,
        valid_until: typeof o.valid_until === 'string' ? Date.parse(o.valid_until) : null,
        key_id: keyId,
        tlp: marking ?? null,
        pattern: String(o.pattern),
      });
    }
  }
  const hashedCount = out.filter((x) => x.kind.endsWith('_hmac')).length;
  if (hashedCount && !key) warnings.push(`${hashedCount} keyed-hash indicator(s) cannot be matched without the community key (give --community-key)`);
  if (otherKey) warnings.push(`${otherKey} keyed-hash indicator(s) were made with a different community key than yours; they will not match`);
  return { indicators: out, unsupported, revoked, warnings, sources: [...sourceNames].sort() };
}

async function ensureTables(store: Store): Promise<void> {
  await store.run(`
    CREATE TABLE IF NOT EXISTS intel_indicators (
      indicator_id VARCHAR, source_id VARCHAR, source_name VARCHAR, bundle_id VARCHAR, campaign VARCHAR, kind VARCHAR, value VARCHAR,
      confidence INTEGER, valid_from BIGINT, valid_until BIGINT, key_id VARCHAR, tlp VARCHAR, pattern VARCHAR, imported_at BIGINT,
      PRIMARY KEY (source_id, indicator_id, kind, value));
    CREATE TABLE IF NOT EXISTS intel_bundles (bundle_id VARCHAR PRIMARY KEY, file VARCHAR, sources VARCHAR, objects INTEGER, indicators INTEGER, imported_at BIGINT);
    CREATE TABLE IF NOT EXISTS intel_keys (key_id VARCHAR PRIMARY KEY, key_hex VARCHAR);`);
}

/**
 * Keep the community key in the store so later analyses can hash local values for matching (the store already holds
 * the raw values the key protects).
 */
export async function storeKey(store: Store, key: CommunityKey): Promise<void> {
  await ensureTables(store);
  await store.run(`INSERT OR REPLACE INTO intel_keys VALUES (${lit(key.id)}, ${lit(key.key.toString('hex'))})`);
}

export interface ImportSummary {
  bundle_id: string;
  objects: number;
  indicators: number;
  rows: number;
  unsupported: number;
  revoked: number;
  sources: string[];
  kinds: Record<string, number>;
  warnings: string[];
  schemaChecked: boolean;
}

/** Validate a parsed bundle and store its indicators; throws BundleError listing every problem when it is rejected. */
export async function importBundle(store: Store, bundle: unknown, file: string, schemas: StixSchemas | null, key: CommunityKey | null): Promise<ImportSummary> {
  const v = validateBundle(bundle, schemas);
  if (!v.ok) throw new BundleError(`${file} is rejected`, v.errors);
  const b = bundle as Obj;
  const x = extractIndicators(b, key);
  await ensureTables(store);
  if (key) await storeKey(store, key);
  const now = Date.now();
  const rows = x.indicators.map(
    (i) =>
      `(${lit(i.indicator_id)}, ${lit(i.source_id)}, ${lit(i.source_name)}, ${lit(String(b.id))}, ${i.campaign === null ? 'NULL' : lit(i.campaign)}, ${lit(i.kind)}, ${lit(i.value)}, ${Math.round(i.confidence)}, ${i.valid_from ?? 'NULL'}, ${i.valid_until ?? 'NULL'}, ${i.key_id === null ? 'NULL' : lit(i.key_id)}, ${i.tlp === null ? 'NULL' : lit(i.tlp)}, ${lit(i.pattern)}, ${now})`,
  );
  for (let k = 0; k < rows.length; k += 2000) await store.run(`INSERT OR REPLACE INTO intel_indicators VALUES ${rows.slice(k, k + 2000).join(',')}`);
  const indicators = new Set(x.indicators.map((i) => i.indicator_id)).size;
  await store.run(`INSERT OR REPLACE INTO intel_bundles VALUES (${lit(String(b.id))}, ${lit(file)}, ${lit(x.sources.join(', '))}, ${(b.objects as unknown[]).length}, ${indicators}, ${now})`);
  const kinds: Record<string, number> = {};
  for (const i of x.indicators) kinds[i.kind] = (kinds[i.kind] ?? 0) + 1;
  return {
    bundle_id: String(b.id),
    objects: (b.objects as unknown[]).length,
    indicators,
    rows: rows.length,
    unsupported: x.unsupported,
    revoked: x.revoked,
    sources: x.sources,
    kinds,
    warnings: [...v.warnings.slice(0, 10), ...x.warnings],
    schemaChecked: v.schemaChecked,
  };
}
