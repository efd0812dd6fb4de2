/**
 * Batch analysis over the store: features -> links -> communities -> scores -> verdicts -> campaigns -> outputs.
 */
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import { buildAccountFeatures } from './features.js';
import { buildLinks, detectCommunities, type Communities } from './graph.js';
import { MODEL_VERSION, contributions, type ModelFile } from './model.js';
import { featureDetail, loadAccountRows, loadLinkStrength, reasonsFor, scoreRows, verdictOf, type AccountRow, type Reason, type Verdict } from './score.js';
import { assembleCampaigns, type Campaign } from './campaigns.js';
import type { AccountResult } from '../model/results.js';
import { repoRoot } from '../util/paths.js';
import { FEATURE_SIGNAL } from '../signals/account.js';
import { applyIntel, matchIntel } from './intel.js';

export const DEFAULT_MODEL = 'models/default.json';

export function loadModel(path?: string): ModelFile {
  const p = path ?? join(repoRoot(), DEFAULT_MODEL);
  let m: ModelFile;
  try {
    m = JSON.parse(readFileSync(p, 'utf8')) as ModelFile;
  } catch (err) {
    throw new Error(`cannot read the model file ${p}: ${(err as Error).message}`, { cause: err });
  }
  if (m.format !== 'distillguard-model' || m.version !== MODEL_VERSION) {
    throw new Error(`${p} is not a distillguard model of version ${MODEL_VERSION} (format ${String(m.format)}, version ${String(m.version)})`);
  }
  return m;
}

export interface AnalysisResult {
  accounts: AccountResult[];
  campaigns: Campaign[];
  timings: Record<string, number>;
  links: number;
  /** The graph given to Louvain: linked pairs before it was bounded, and its accounts and edges after. */
  graph: { pairs: number; accounts: number; edges: number };
  communities: number;
}

/** Graph and features for a store, without scoring (shared by analysis and training). */
export async function prepare(store: Store, timings: Record<string, number> = {}): Promise<{ rows: AccountRow[]; comm: Communities; links: number }> {
  let t = performance.now();
  const lap = (k: string) => {
    timings[k] = Math.round(performance.now() - t);
    t = performance.now();
  };
  await buildAccountFeatures(store);
  lap('features_ms');
  const links = await buildLinks(store);
  lap('links_ms');
  const comm = await detectCommunities(store);
  lap('communities_ms');
  const rows = await loadAccountRows(store);
  lap('load_ms');
  return { rows, comm, links };
}

export async function analyzeStore(store: Store, model: ModelFile): Promise<AnalysisResult> {
  const timings: Record<string, number> = {};
  const { rows, comm, links } = await prepare(store, timings);
  let t = performance.now();
  const strength = await loadLinkStrength(store);
  scoreRows(rows, comm, strength, model);
  // Partner intelligence: accounts matching indicators imported with `stix import` get a boost (src/detect/intel.ts).
  const intel = await matchIntel(store, rows);
  applyIntel(rows, intel);
  const verdict = new Map<string, Verdict>(rows.map((r) => [r.account_id, verdictOf(r.score!, model)]));
  timings.score_ms = Math.round(performance.now() - t);
  t = performance.now();
  const { campaigns, campaignOf, share } = await assembleCampaigns(store, rows, verdict, comm.graph);
  timings.campaigns_ms = Math.round(performance.now() - t);

  const accounts: AccountResult[] = rows.map((r) => {
    const v = verdict.get(r.account_id)!;
    const cid = campaignOf.get(r.account_id) ?? null;
    let reasons: Reason[];
    if (v === 'benign') {
      // Why it looks legitimate: the strongest contributions against.
      reasons = contributions(r.x2!, model.stage2)
        .reverse()
        .filter((c) => c.contribution < -0.05)
        .slice(0, 3)
        .map((c) => ({ signal: FEATURE_SIGNAL[c.feature] ?? c.feature, contribution: Math.round(c.contribution * 1000) / 1000, detail: featureDetail(c.feature, c.value) }));
    } else {
      reasons = reasonsFor(r.x2!, model.stage2);
      if (cid) reasons.unshift({ signal: 'campaign.member', contribution: 0, detail: `member of campaign ${cid}` });
    }
    const partner = intel.get(r.account_id);
    if (partner) reasons.unshift(partner.reason);
    return {
      account_id: r.account_id,
      score: Math.round(r.score! * 1e6) / 1e6,
      verdict: v,
      campaign_id: cid,
      interactions: r.interactions,
      distillation_share: v === 'distillation' ? (share.get(r.account_id) ?? 1) : 0,
      first_seen: new Date(r.first_ts).toISOString(),
      last_seen: new Date(r.last_ts).toISOString(),
      reasons,
    };
  });
  return { accounts, campaigns, timings, links, graph: { pairs: comm.pairs, accounts: comm.graph.order, edges: comm.graph.size }, communities: comm.members.size };
}

/** Write accounts.jsonl and campaigns.json, and keep the results in the store for reports and the dashboard. */
export async function writeResults(store: Store, res: AnalysisResult, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const out = createWriteStream(join(outDir, 'accounts.jsonl'));
  for (const a of res.accounts) if (!out.write(JSON.stringify(a) + '\n')) await once(out, 'drain');
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  writeFileSync(join(outDir, 'campaigns.json'), JSON.stringify(res.campaigns, null, 2) + '\n');
  await store.run(`CREATE OR REPLACE TABLE account_results AS SELECT * FROM read_json('${join(outDir, 'accounts.jsonl').replace(/'/g, "''")}', format = 'newline_delimited')`);
  await store.run(`CREATE OR REPLACE TABLE campaigns AS SELECT * FROM read_json('${join(outDir, 'campaigns.json').replace(/'/g, "''")}', format = 'array')`);
}
