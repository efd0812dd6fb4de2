/**
 * Analyst attribution of a campaign to a threat actor (`distillguard stix attribute`), kept in the store table
 * `campaign_attribution`. Export writes a threat-actor object only for campaigns attributed here: the detector never
 * guesses who is behind a campaign.
 */
import { lit, type Store } from '../store/store.js';

/** STIX 2.1 threat-actor-type-ov. */
export const THREAT_ACTOR_TYPES = ['activist', 'competitor', 'crime-syndicate', 'criminal', 'hacker', 'insider-accidental', 'insider-disgruntled', 'nation-state', 'sensationalist', 'spy', 'terrorist', 'unknown'] as const;

export interface Attribution {
  campaign_id: string;
  actor: string;
  actor_types: string[];
  description: string | null;
  /** When the analyst set it (epoch ms): the threat actor's created/modified time. */
  set_at: number;
}

async function ensure(store: Store): Promise<void> {
  await store.run(`CREATE TABLE IF NOT EXISTS campaign_attribution (campaign_id VARCHAR PRIMARY KEY, actor VARCHAR, actor_types VARCHAR, description VARCHAR, set_at BIGINT)`);
}

export async function setAttribution(store: Store, a: Attribution): Promise<void> {
  await ensure(store);
  await store.run(
    `INSERT OR REPLACE INTO campaign_attribution VALUES (${lit(a.campaign_id)}, ${lit(a.actor)}, ${lit(a.actor_types.join(','))}, ${a.description === null ? 'NULL' : lit(a.description)}, ${Math.floor(a.set_at)})`,
  );
}

export async function clearAttribution(store: Store, campaignId: string): Promise<boolean> {
  await ensure(store);
  const had = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM campaign_attribution WHERE campaign_id = ${lit(campaignId)}`);
  await store.run(`DELETE FROM campaign_attribution WHERE campaign_id = ${lit(campaignId)}`);
  return Number(had?.n ?? 0) > 0;
}

export async function loadAttributions(store: Store): Promise<Map<string, Attribution>> {
  const t = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'campaign_attribution'`);
  if (!Number(t?.n)) return new Map();
  const rows = await store.all<{ campaign_id: string; actor: string; actor_types: string; description: string | null; set_at: number }>(`SELECT * FROM campaign_attribution ORDER BY campaign_id`);
  return new Map(
    rows.map((r) => [r.campaign_id, { campaign_id: r.campaign_id, actor: r.actor, actor_types: r.actor_types ? r.actor_types.split(',') : [], description: r.description, set_at: Number(r.set_at) }]),
  );
}
