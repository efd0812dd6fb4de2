/** `distillguard stix export | import | attribute | validate`: threat-intelligence sharing between providers (STIX 2.1). */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_DB, lit, Store } from '../../store/store.js';
import { loadCampaigns, NoResultsError } from '../../report/load.js';
import { examplePrompt } from '../../report/redact.js';
import { collectIntel } from '../../stix/collect.js';
import { buildBundle } from '../../stix/export.js';
import { readCommunityKey, type CommunityKey } from '../../stix/keys.js';
import { BundleError, importBundle, readBundleFile } from '../../stix/import.js';
import { StixSchemas } from '../../stix/schema.js';
import { isTlpLevel, TLP_LEVELS, type TlpLevel } from '../../stix/tlp.js';
import { validateBundle } from '../../stix/validate.js';
import { clearAttribution, loadAttributions, setAttribution, THREAT_ACTOR_TYPES } from '../../stix/attribution.js';
import { EXIT, UserError } from '../errors.js';
import { openStore } from '../store.js';

const out = (s: string) => void process.stdout.write(s + '\n');
const err = (s: string) => void process.stderr.write(s + '\n');

function key(path: string | undefined): CommunityKey | null {
  if (!path) return null;
  try {
    return readCommunityKey(path);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

function open(db: string, readOnly = false): Promise<Store> {
  return openStore(db, readOnly ? { readOnly } : {});
}

/** Reads a bundle file; a file that is not a bundle is the user's to fix. */
function readBundle(file: string): unknown {
  try {
    return readBundleFile(file);
  } catch (e) {
    if (e instanceof BundleError) throw new UserError(e.message);
    throw e;
  }
}

function schemas(required: boolean): StixSchemas | null {
  const { schemas: s, reason } = StixSchemas.load();
  if (!s) {
    if (required) throw new UserError(`${reason}; they are needed to validate (set DISTILLGUARD_STIX_SCHEMAS to their folder)`);
    err(`warning: ${reason}: the JSON-schema check is skipped (the specification checks still run)`);
  }
  return s;
}

interface ExportOpts {
  db: string;
  campaign?: string[];
  out: string;
  tlp: string;
  communityKey?: string;
  provider: string;
  includePrompts?: string;
}

interface ImportOpts {
  db: string;
  communityKey?: string;
}

export function registerStix(program: Command): void {
  const stix = program.command('stix').description('Share campaign indicators with other providers as STIX 2.1 bundles, and match theirs (see docs/reports.md).');

  stix
    .command('export')
    .description('Write the found campaigns as a STIX 2.1 bundle: identity, campaigns, threat actors (where attributed), infrastructure, indicators, sightings, LLM observables, relationships, TLP 2.0 marking.')
    .option('--db <file>', 'DuckDB store file analysed by `distillguard analyze`', DEFAULT_DB)
    .option('--campaign <id...>', 'export only these campaigns (default: all)')
    .requiredOption('--out <file>', 'bundle file to write (JSON)')
    .option('--tlp <level>', `TLP 2.0 marking: ${TLP_LEVELS.join(', ')}`, 'amber')
    .option('--community-key <file>', 'shared secret of the exchanging providers: payment, e-mail-domain, wrapper and system-prompt indicators are exported as HMAC-SHA256 under it (left out without it)')
    .option('--provider <name>', 'your organisation, as the identity that produced the bundle', 'LLM API provider')
    .option('--include-prompts <n>', 'also export N example prompts per campaign (truncated, redacted); prompts are never exported otherwise')
    .addHelpText('after', '\nIdentifiers are UUIDv5 of the content: exporting the same campaign twice gives the same ids. The bundle is validated (OASIS schemas in ../shared/stix2.1 when present, and the specification rules) before it is written.')
    .action(async (o: ExportOpts) => {
      if (!isTlpLevel(o.tlp)) throw new UserError(`--tlp: unknown level "${o.tlp}" (choose from ${TLP_LEVELS.join(', ')})`, EXIT.USAGE);
      if (!o.provider.trim()) throw new UserError('--provider: give a name', EXIT.USAGE);
      const nPrompts = o.includePrompts === undefined ? 0 : Number(o.includePrompts);
      if (!Number.isSafeInteger(nPrompts) || nPrompts < 0 || nPrompts > 50) throw new UserError(`--include-prompts: expected a whole number 0-50, got "${o.includePrompts}"`, EXIT.USAGE);
      const k = key(o.communityKey);
      const sch = schemas(false);
      const store = await open(o.db);
      try {
        let campaigns;
        try {
          campaigns = await loadCampaigns(store);
        } catch (e) {
          if (e instanceof NoResultsError) throw new UserError(e.message);
          throw e;
        }
        if (o.campaign?.length) {
          const known = new Set(campaigns.map((c) => c.campaign_id));
          const unknown = o.campaign.filter((c) => !known.has(c));
          if (unknown.length) throw new UserError(`unknown campaign(s) ${unknown.join(', ')} (the store has ${[...known].join(', ') || 'none'})`);
          campaigns = campaigns.filter((c) => o.campaign!.includes(c.campaign_id));
        }
        if (!campaigns.length) throw new UserError(`the store ${o.db} holds no campaign to export`);
        const intel = await collectIntel(store, campaigns);
        let prompts: Map<string, string[]> | undefined;
        if (nPrompts > 0) {
          prompts = new Map();
          for (const c of campaigns) {
            const rows = await store.all<{ prompt: string }>(
              `SELECT prompt FROM interactions WHERE account_id IN (SELECT unnest(account_ids) FROM campaigns WHERE campaign_id = ${lit(c.campaign_id)}) AND prompt IS NOT NULL ORDER BY hash(id) LIMIT ${nPrompts}`,
            );
            prompts.set(c.campaign_id, rows.map((r) => examplePrompt(r.prompt)));
          }
        }
        const res = buildBundle(intel, { provider: o.provider.trim(), tlp: o.tlp as TlpLevel, key: k, attribution: await loadAttributions(store), prompts });
        const v = validateBundle(res.bundle, sch);
        if (!v.ok) throw new Error(`the exported bundle does not validate (a bug):\n  - ${v.errors.slice(0, 10).join('\n  - ')}`);
        mkdirSync(dirname(resolve(o.out)), { recursive: true });
        writeFileSync(o.out, JSON.stringify(res.bundle, null, 2) + '\n');
        const c = res.counts;
        out(`wrote ${o.out}: ${res.bundle.objects.length} objects (${c.campaign ?? 0} campaign(s), ${c.indicator ?? 0} indicators, ${c.sighting ?? 0} sightings, ${c['threat-actor'] ?? 0} threat actor(s)), TLP:${o.tlp.toUpperCase()}`);
        const kinds = Object.entries(c)
          .filter(([x]) => x.startsWith('indicator:'))
          .map(([x, n]) => `${x.slice(10)} ${n}`);
        if (kinds.length) out(`indicators by kind: ${kinds.join(', ')}`);
        out(`validated: specification rules${v.schemaChecked ? ' and the OASIS STIX 2.1 JSON schemas' : ' (JSON schemas not available)'}`);
        for (const n of res.notes) out(`note: ${n}`);
      } finally {
        store.close();
      }
    });

  stix
    .command('import')
    .description("Validate another provider's STIX 2.1 bundle and store its indicators; the next `analyze` matches accounts against them (signal intel.partner_match).")
    .argument('<bundle>', 'bundle file (JSON)')
    .option('--db <file>', 'DuckDB store file', DEFAULT_DB)
    .option('--community-key <file>', 'the shared community key, to match keyed-hash indicators (kept in the store for later analyses)')
    .action(async (file: string, o: ImportOpts) => {
      const k = key(o.communityKey);
      const sch = schemas(false);
      const bundle = readBundle(file);
      const store = await open(o.db);
      try {
        const r = await importBundle(store, bundle, file, sch, k).catch((e: unknown) => {
          if (e instanceof BundleError) throw new UserError(e.message);
          throw e;
        });
        out(`imported ${file} (${r.bundle_id}) from ${r.sources.join(', ') || 'an unnamed source'}: ${r.indicators} indicators (${Object.entries(r.kinds).map(([x, n]) => `${x} ${n}`).join(', ') || 'none matchable'}) of ${r.objects} objects`);
        if (r.unsupported) out(`${r.unsupported} indicator(s) have patterns distillguard does not match; not stored`);
        if (r.revoked) out(`${r.revoked} revoked indicator(s) skipped`);
        out(`validated: specification rules${r.schemaChecked ? ' and the OASIS STIX 2.1 JSON schemas' : ' (JSON schemas not available)'}`);
        for (const w of r.warnings) err(`warning: ${w}`);
        out('run `distillguard analyze` on this store to match accounts against them');
      } finally {
        store.close();
      }
    });

  stix
    .command('validate')
    .description('Check a STIX 2.1 bundle against the OASIS JSON schemas and the specification rules they do not express.')
    .argument('<bundle>', 'bundle file (JSON)')
    .action((file: string) => {
      const sch = schemas(true);
      const bundle = readBundle(file);
      const v = validateBundle(bundle, sch);
      for (const w of v.warnings) err(`warning: ${w}`);
      if (!v.ok) throw new UserError(`${file} is not valid:\n  - ${v.errors.slice(0, 20).join('\n  - ')}`);
      out(`${file}: valid STIX 2.1 (${(bundle as { objects: unknown[] }).objects.length} objects)`);
    });

  stix
    .command('attribute')
    .description('Record (or clear) an analyst\'s attribution of a campaign to a threat actor; export adds a threat-actor object for it.')
    .requiredOption('--campaign <id>', 'campaign id, as in campaigns.json')
    .option('--actor <name>', 'who is behind it')
    .option('--type <types>', `threat-actor types, comma-separated: ${THREAT_ACTOR_TYPES.join(', ')}`, 'competitor')
    .option('--description <text>', 'what the attribution rests on')
    .option('--clear', 'remove the attribution')
    .option('--db <file>', 'DuckDB store file', DEFAULT_DB)
    .action(async (o: { campaign: string; actor?: string; type: string; description?: string; clear?: boolean; db: string }) => {
      const types = o.type.split(',').map((t) => t.trim()).filter(Boolean);
      const bad = types.filter((t) => !(THREAT_ACTOR_TYPES as readonly string[]).includes(t));
      if (bad.length) throw new UserError(`--type: unknown threat-actor type(s) ${bad.join(', ')} (choose from ${THREAT_ACTOR_TYPES.join(', ')})`, EXIT.USAGE);
      if (!o.clear && !o.actor?.trim()) throw new UserError('give --actor NAME (or --clear)', EXIT.USAGE);
      const store = await open(o.db);
      try {
        const campaigns = await loadCampaigns(store).catch((e: unknown) => {
          if (e instanceof NoResultsError) throw new UserError(e.message);
          throw e;
        });
        if (!campaigns.some((c) => c.campaign_id === o.campaign)) throw new UserError(`unknown campaign ${o.campaign} (the store has ${campaigns.map((c) => c.campaign_id).join(', ') || 'none'})`);
        if (o.clear) out((await clearAttribution(store, o.campaign)) ? `attribution of ${o.campaign} cleared` : `${o.campaign} had no attribution`);
        else {
          await setAttribution(store, { campaign_id: o.campaign, actor: o.actor!.trim(), actor_types: types, description: o.description?.trim() || null, set_at: Date.now() });
          out(`${o.campaign} attributed to ${o.actor!.trim()} (${types.join(', ')})`);
        }
      } finally {
        store.close();
      }
    });
}
