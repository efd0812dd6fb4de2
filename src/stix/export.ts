/**
 * A STIX 2.1 bundle of found campaigns, for other providers (`distillguard stix export`).
 *
 * Objects: an identity for the provider; a campaign per campaign; a threat-actor only where an analyst has set
 * attribution; an infrastructure for the network the campaign came through (proxies, rotating residential addresses,
 * datacenter egress); indicators for IP addresses, CIDR blocks, AS numbers, e-mail domains, payment fingerprints,
 * sign-up bursts (account patterns), prompt-wrapper fingerprints, system-prompt hashes and reasoning-elicitation
 * phrases; sightings with counts and first/last seen; an observed-data of the campaign's LLM observables (the
 * `llm-prompt` object defined by an extension-definition); relationships; a TLP 2.0 marking on everything.
 *
 * Identifiers are UUIDv5 of what the object is (the campaign's accounts, the indicator's pattern), and times come from
 * the data, so exporting the same campaign twice gives the same bundle byte for byte. Values that identify customers
 * (payment, e-mail domain, wrapper and system-prompt fingerprints) are exported only as HMAC-SHA256 under the
 * community key, and left out without one. Prompts are never exported unless asked for.
 */
import { createHash } from 'node:crypto';
import { CAPABILITY_LABELS, isCapability } from '../model/capabilities.js';
import type { Attribution } from './attribution.js';
import type { CampaignIntel, IndicatorKind, IndicatorStat } from './collect.js';
import { MIN_PURITY } from './collect.js';
import { stixId, uuidv5 } from './ids.js';
import { keyedHash, type CommunityKey } from './keys.js';
import { isAddressOrCidr, isIpv4, isIpv6, quote } from './pattern.js';
import { tlpMarking, type TlpLevel } from './tlp.js';

export type StixObject = Record<string, unknown> & { type: string; id: string };
export interface Bundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export interface ExportOptions {
  /** The exporting provider's name (its identity object). */
  provider: string;
  tlp: TlpLevel;
  /** Community key for the customer-identifying indicators; without it they are left out. */
  key: CommunityKey | null;
  attribution: Map<string, Attribution>;
  /** Example prompts per campaign id, only when the caller was asked to include them (already truncated/redacted). */
  prompts?: Map<string, string[]>;
}

export interface ExportResult {
  bundle: Bundle;
  /** Counts of what was exported, by object type and by indicator kind. */
  counts: Record<string, number>;
  /** What was left out and why. */
  notes: string[];
}

/** The kinds that identify customers: exported only as keyed hashes. */
export const HASHED_KINDS: ReadonlySet<IndicatorKind> = new Set<IndicatorKind>(['payment', 'email_domain', 'template', 'system_prompt']);
/** Network kinds: they indicate the campaign's infrastructure, and expire (addresses are reassigned). */
const NETWORK_KINDS: ReadonlySet<IndicatorKind> = new Set<IndicatorKind>(['ip', 'cidr', 'asn']);
const NETWORK_VALID_DAYS = 30;

/** The extension that defines the `llm-prompt` observable; the same id for every exporter. */
export const LLM_EXTENSION_ID = stixId('extension-definition', 'distillguard', 'llm-prompt', '1.0.0');
const PROJECT_IDENTITY_ID = stixId('identity', 'distillguard project');
/** The OASIS namespace for deterministic SCO ids (STIX 2.1, 2.9). */
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** Fixed creation time of the provider and project identities and of the extension (they do not change with the data). */
const FIXED_TIME = '2026-01-01T00:00:00.000Z';

const iso = (ms: number) => new Date(ms).toISOString();

export const LLM_EXTENSION_SCHEMA = [
  'Defines the STIX Cyber-observable Object type "llm-prompt": a request made to a large-language-model API, as the',
  'provider that served it observed it. Properties (all optional, at least one present):',
  '- template_hmac (string, hex): HMAC-SHA256, under the community key shared by the exchanging providers, of the',
  '  fingerprint of the prompt\'s wrapper (the prompt with its task content removed and normalised, 16 hex digits).',
  '- system_prompt_hmac (string, hex): HMAC-SHA256, under the community key, of the system prompt\'s 64-bit hash.',
  '- reasoning_elicitation (string): a phrase in the prompt that asks the model to write out its reasoning (public text).',
  '- key_id (string): identifier of the community key the HMACs were made with (HMAC of a fixed label).',
  'HMAC inputs are the kind ("template" or "system_prompt"), a unit separator (U+001F) and the value, trimmed.',
  'Indicators use patterns such as [llm-prompt:template_hmac = \'...\'].',
].join('\n');

function markings(tlpId: string) {
  return { object_marking_refs: [tlpId] };
}

interface IndicatorSpec {
  pattern: string;
  name: string;
  types: string[];
}

/** The pattern and wording of one indicator, or null when its value cannot be expressed (e.g. a malformed CIDR). */
function indicatorSpec(s: IndicatorStat, campaign: string, key: CommunityKey | null): IndicatorSpec | null {
  const h = (kind: 'payment' | 'email_domain' | 'template' | 'system_prompt') => (key ? keyedHash(key, kind, s.value) : null);
  const who = `${s.accounts} account${s.accounts === 1 ? '' : 's'} of campaign ${campaign}`;
  switch (s.kind) {
    case 'ip': {
      const fam = isIpv4(s.value) ? 4 : isIpv6(s.value) ? 6 : 0;
      if (!fam) return null;
      return { pattern: `[ipv${fam}-addr:value = ${quote(s.value)}]`, name: `IP address used by ${who}`, types: ['anonymization', 'malicious-activity'] };
    }
    case 'cidr': {
      const fam = isAddressOrCidr(s.value, 4) ? 4 : isAddressOrCidr(s.value, 6) ? 6 : 0;
      if (!fam || !s.value.includes('/')) return null;
      return { pattern: `[ipv${fam}-addr:value ISSUBSET ${quote(s.value)}]`, name: `Network ${s.value} used by ${who}`, types: ['anonymization', 'malicious-activity'] };
    }
    case 'asn':
      return /^\d+$/.test(s.value) ? { pattern: `[autonomous-system:number = ${Number(s.value)}]`, name: `AS${s.value} used by ${who}`, types: ['anonymization'] } : null;
    case 'email_domain': {
      const v = h('email_domain');
      return v ? { pattern: `[email-addr:x_domain_hmac = ${quote(v)}]`, name: `E-mail domain (keyed hash) of ${who}`, types: ['malicious-activity'] } : null;
    }
    case 'payment': {
      const v = h('payment');
      return v ? { pattern: `[user-account:x_payment_fingerprint_hmac = ${quote(v)}]`, name: `Payment method (keyed hash) shared by ${who}`, types: ['malicious-activity'] } : null;
    }
    case 'signup_burst': {
      const [tier, from, to] = s.value.split('|');
      if (!tier || !from || !to) return null;
      return {
        pattern: `[user-account:account_type = ${quote(tier)} AND user-account:account_created >= t'${iso(Number(from))}' AND user-account:account_created <= t'${iso(Number(to))}']`,
        name: `Sign-up burst: ${s.accounts} ${tier} accounts of campaign ${campaign} created within an hour`,
        types: ['malicious-activity'],
      };
    }
    case 'template': {
      const v = h('template');
      return v ? { pattern: `[llm-prompt:template_hmac = ${quote(v)}]`, name: `Prompt wrapper (keyed hash) used by ${who}`, types: ['malicious-activity'] } : null;
    }
    case 'system_prompt': {
      const v = h('system_prompt');
      return v ? { pattern: `[llm-prompt:system_prompt_hmac = ${quote(v)}]`, name: `System prompt (keyed hash) used by ${who}`, types: ['malicious-activity'] } : null;
    }
    case 'reasoning_phrase':
      return { pattern: `[llm-prompt:reasoning_elicitation = ${quote(s.value)}]`, name: `Reasoning-elicitation phrase "${s.value}" used by ${who}`, types: ['anomalous-activity'] };
  }
}

function capabilityWords(caps: Record<string, number>): string {
  return Object.entries(caps)
    .sort((a, b) => b[1] - a[1])
    .filter(([, v]) => v >= 0.05)
    .slice(0, 3)
    .map(([k]) => (isCapability(k) ? CAPABILITY_LABELS[k] : k))
    .join(', ');
}

export function buildBundle(intel: CampaignIntel[], o: ExportOptions): ExportResult {
  const tlp = tlpMarking(o.tlp);
  const tlpId = tlp.id as string;
  const providerId = stixId('identity', o.provider);
  const objects = new Map<string, StixObject>();
  const notes: string[] = [];
  const counts: Record<string, number> = {};
  const put = (x: StixObject) => {
    const prev = objects.get(x.id);
    if (prev && prev.modified !== undefined && String(prev.modified) >= String(x.modified)) return;
    objects.set(x.id, x);
  };
  const rel = (type: string, source: string, target: string, created: string, modified: string) =>
    put({ type: 'relationship', spec_version: '2.1', id: stixId('relationship', type, source, target), created_by_ref: providerId, created, modified, relationship_type: type, source_ref: source, target_ref: target, ...markings(tlpId) });

  put(tlp as StixObject);
  put({ type: 'identity', spec_version: '2.1', id: providerId, created: FIXED_TIME, modified: FIXED_TIME, name: o.provider, identity_class: 'organization', sectors: ['technology'], description: 'LLM API provider sharing distillation-campaign intelligence (exported by distillguard).', ...markings(tlpId) });
  let skippedHashed = 0;
  let skippedImpure = 0;
  let llmUsed = false;

  for (const ci of intel) {
    const c = ci.campaign;
    const campaignId = stixId('campaign', o.provider, createHash('sha256').update([...c.account_ids].sort().join('\n')).digest('hex'));
    const created = iso(Date.parse(c.first_seen));
    const modified = iso(Math.max(Date.parse(c.first_seen), Date.parse(c.last_seen)));
    const caps = capabilityWords(c.capabilities);
    const campaign: StixObject = {
      type: 'campaign',
      spec_version: '2.1',
      id: campaignId,
      created_by_ref: providerId,
      created,
      modified,
      name: `LLM distillation campaign ${c.campaign_id}`,
      description: `${c.summary}. Found by ${o.provider}'s detector (distillguard); ${c.accounts} accounts, about ${c.interactions} distillation calls; models: ${Object.keys(c.models).join(', ') || 'unknown'}.`,
      first_seen: created,
      last_seen: modified,
      objective: `Harvest model outputs${caps ? ` (${caps})` : ''} at scale to train another model (distillation).`,
      confidence: Math.round(c.score * 100),
      labels: ['llm-distillation'],
      x_distillguard_campaign_id: c.campaign_id,
      x_distillguard_accounts: c.accounts,
      x_distillguard_interactions: c.interactions,
      x_distillguard_capabilities: c.capabilities,
      x_distillguard_models: c.models,
      ...markings(tlpId),
    };
    const prompts = o.prompts?.get(c.campaign_id);
    if (prompts?.length) campaign.x_distillguard_example_prompts = prompts;
    put(campaign);

    const attr = o.attribution.get(c.campaign_id);
    if (attr) {
      const at = iso(attr.set_at);
      const actorId = stixId('threat-actor', o.provider, attr.actor);
      put({ type: 'threat-actor', spec_version: '2.1', id: actorId, created_by_ref: providerId, created: at, modified: at, name: attr.actor, threat_actor_types: attr.actor_types.length ? attr.actor_types : ['unknown'], ...(attr.description ? { description: attr.description } : {}), ...markings(tlpId) });
      rel('attributed-to', campaignId, actorId, at, at);
    }

    const net = ci.indicators.filter((s) => NETWORK_KINDS.has(s.kind) && s.purity >= MIN_PURITY);
    let infraId: string | null = null;
    if (net.length) {
      infraId = stixId('infrastructure', campaignId);
      const count = (k: IndicatorKind) => net.filter((s) => s.kind === k).length;
      const mixed = c.evidence.find((e) => e.signal === 'proxy.mixed_traffic');
      put({
        type: 'infrastructure',
        spec_version: '2.1',
        id: infraId,
        created_by_ref: providerId,
        created,
        modified,
        name: `Proxy and egress network of campaign ${c.campaign_id}`,
        description: `${count('ip')} IP addresses, ${count('cidr')} networks and ${count('asn')} autonomous systems shared by the campaign's accounts.${mixed ? ` ${mixed.detail}.` : ''}`,
        infrastructure_types: ['anonymization'],
        first_seen: created,
        last_seen: modified,
        ...markings(tlpId),
      });
      rel('uses', campaignId, infraId, created, modified);
    }

    const llmRefs: string[] = [];
    for (const s of ci.indicators) {
      if (s.purity < MIN_PURITY) {
        skippedImpure++;
        continue;
      }
      if (HASHED_KINDS.has(s.kind) && !o.key) {
        skippedHashed++;
        continue;
      }
      const spec = indicatorSpec(s, c.campaign_id, o.key);
      if (!spec) {
        notes.push(`${c.campaign_id}: ${s.kind} ${JSON.stringify(s.value)} cannot be written as a STIX pattern; left out`);
        continue;
      }
      const first = iso(s.first);
      const last = iso(Math.max(s.first, s.last));
      const id = stixId('indicator', o.provider, spec.pattern);
      const ind: StixObject = {
        type: 'indicator',
        spec_version: '2.1',
        id,
        created_by_ref: providerId,
        created: first,
        modified: last,
        name: spec.name,
        indicator_types: spec.types,
        pattern: spec.pattern,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: first,
        ...(NETWORK_KINDS.has(s.kind) ? { valid_until: iso(Math.max(s.first, s.last) + NETWORK_VALID_DAYS * 86_400_000) } : {}),
        confidence: Math.round(s.purity * 100),
        labels: ['llm-distillation', `distillguard-kind:${s.kind}`],
        ...(HASHED_KINDS.has(s.kind) && o.key ? { x_distillguard_key_id: o.key.id } : {}),
        ...markings(tlpId),
      };
      put(ind);
      counts[`indicator:${s.kind}`] = (counts[`indicator:${s.kind}`] ?? 0) + 1;
      rel('indicates', id, NETWORK_KINDS.has(s.kind) && infraId ? infraId : campaignId, first, last);
      put({
        type: 'sighting',
        spec_version: '2.1',
        id: stixId('sighting', id, campaignId),
        created_by_ref: providerId,
        created: first,
        modified: last,
        sighting_of_ref: id,
        where_sighted_refs: [providerId],
        first_seen: first,
        last_seen: last,
        count: Math.min(999_999_999, s.interactions > 0 ? s.interactions : s.accounts),
        description: `${s.accounts} account(s)${s.interactions > 0 ? `, ${s.interactions} call(s)` : ''} of campaign ${c.campaign_id} at ${o.provider}.`,
        x_distillguard_accounts: s.accounts,
        ...markings(tlpId),
      });
      if (s.kind === 'template' || s.kind === 'system_prompt' || s.kind === 'reasoning_phrase') {
        const props: Record<string, string> =
          s.kind === 'reasoning_phrase' ? { reasoning_elicitation: s.value } : { [s.kind === 'template' ? 'template_hmac' : 'system_prompt_hmac']: keyedHash(o.key!, s.kind, s.value), key_id: o.key!.id };
        const sco: StixObject = { type: 'llm-prompt', spec_version: '2.1', id: `llm-prompt--${uuidv5(JSON.stringify(props), SCO_NAMESPACE)}`, ...props, extensions: { [LLM_EXTENSION_ID]: { extension_type: 'new-sco' } } };
        put(sco);
        llmRefs.push(sco.id);
        llmUsed = true;
      }
    }
    if (llmRefs.length) {
      put({
        type: 'observed-data',
        spec_version: '2.1',
        id: stixId('observed-data', campaignId, 'llm-prompt'),
        created_by_ref: providerId,
        created,
        modified,
        first_observed: created,
        last_observed: modified,
        // the campaign's calls, over which these prompt observables were seen
        number_observed: Math.max(1, Math.min(999_999_999, Math.round(c.interactions))),
        object_refs: [...new Set(llmRefs)].sort(),
        ...markings(tlpId),
      });
    }
  }
  if (llmUsed) {
    put({ type: 'identity', spec_version: '2.1', id: PROJECT_IDENTITY_ID, created: FIXED_TIME, modified: FIXED_TIME, name: 'distillguard project', identity_class: 'organization', description: 'Authors of the distillguard LLM observable extension.' });
    put({
      type: 'extension-definition',
      spec_version: '2.1',
      id: LLM_EXTENSION_ID,
      created_by_ref: PROJECT_IDENTITY_ID,
      created: FIXED_TIME,
      modified: FIXED_TIME,
      name: 'llm-prompt: LLM API request observable',
      description: 'Observables specific to large-language-model APIs: prompt-wrapper fingerprints, system-prompt hashes (both as keyed hashes) and reasoning-elicitation phrases.',
      schema: LLM_EXTENSION_SCHEMA,
      version: '1.0.0',
      extension_types: ['new-sco'],
    });
  }
  if (skippedHashed) notes.push(`${skippedHashed} payment, e-mail-domain, wrapper and system-prompt indicator(s) left out: they identify customers and are shared only as keyed hashes (give --community-key)`);
  if (skippedImpure) notes.push(`${skippedImpure} value(s) left out because most accounts showing them here are not campaign members (purity below ${MIN_PURITY * 100}%)`);

  const order = ['marking-definition', 'identity', 'extension-definition', 'campaign', 'threat-actor', 'infrastructure', 'indicator', 'sighting', 'llm-prompt', 'observed-data', 'relationship'];
  const list = [...objects.values()].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const x of list) counts[x.type] = (counts[x.type] ?? 0) + 1;
  const digest = createHash('sha256')
    .update(list.map((x) => `${x.id}@${String(x.modified ?? x.created ?? '')}`).join('\n'))
    .digest('hex');
  return { bundle: { type: 'bundle', id: stixId('bundle', digest), objects: list }, counts, notes };
}
