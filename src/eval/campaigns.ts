/**
 * Campaign-level evaluation: for each true campaign, the found campaign that best matches it (largest
 * Jaccard index of account sets), how well its size and capabilities agree, and whether it was split;
 * then the found campaigns that share no account with any true campaign.
 */
import type { CampaignTruth } from '../model/labels.js';
import type { CampaignResult } from '../model/results.js';
import { intersectionSize, jaccard, ratio, sameSet, topKeys } from './metrics.js';
import type { TrueCampaign } from './truth.js';
import type { CampaignMatch, CampaignReport, FalseCampaign } from './types.js';

/** A found campaign holding at least this share of a true campaign's accounts counts as a piece of it. */
export const SPLIT_SHARE = 0.05;

/** Match one true campaign against every found campaign. */
export function matchCampaign(
  truth: TrueCampaign,
  found: readonly { result: CampaignResult; ids: ReadonlySet<string> }[],
  truthRecord: CampaignTruth | undefined,
): CampaignMatch {
  let best: CampaignResult | null = null;
  let bestJ = 0;
  let pieces = 0;
  for (const f of found) {
    const j = jaccard(truth.account_ids, f.ids);
    // Strictly greater: on a tie the earlier campaign in campaigns.json wins.
    if (j > bestJ) {
      bestJ = j;
      best = f.result;
    }
    const share = ratio(intersectionSize(truth.account_ids, f.ids), truth.account_ids.size) ?? 0;
    if (share > 0 && share >= SPLIT_SHARE) pieces++;
  }
  const trueTop2 = truthRecord ? topKeys(truthRecord.capabilities, 2) : null;
  const foundTop2 = best ? topKeys(best.capabilities, 2) : null;
  const relErr =
    best === null ? null : ratio(best.interactions - truth.distillation_interactions, truth.distillation_interactions);
  return {
    campaign_id: truth.campaign_id,
    accounts: truth.account_ids.size,
    distillation_interactions: truth.distillation_interactions,
    best_match: best?.campaign_id ?? null,
    jaccard: bestJ,
    found_interactions: best?.interactions ?? null,
    interactions_rel_error: relErr,
    true_top2: trueTop2,
    found_top2: foundTop2,
    top2_match: trueTop2 && foundTop2 ? sameSet(trueTop2, foundTop2) : null,
    split_into: pieces,
    split: pieces > 1,
  };
}

/** The campaign-level report. Pushes warnings for inconsistencies in campaigns.json and the truth file. */
export function evalCampaigns(
  truths: ReadonlyMap<string, TrueCampaign>,
  found: readonly CampaignResult[],
  truthRecords: readonly CampaignTruth[] | undefined,
  warnings: string[],
): CampaignReport {
  const foundSets = found.map((result) => ({ result, ids: new Set(result.account_ids) }));
  for (const f of foundSets) {
    if (f.result.accounts !== f.ids.size) {
      warnings.push(`campaigns.json: ${f.result.campaign_id}: accounts is ${f.result.accounts} but account_ids holds ${f.ids.size} distinct ids`);
    }
  }
  const records = new Map((truthRecords ?? []).map((t) => [t.campaign_id, t]));
  const matches: CampaignMatch[] = [];
  for (const t of truths.values()) {
    const rec = records.get(t.campaign_id);
    if (truthRecords && !rec) warnings.push(`campaign ${t.campaign_id} is in labels but not in the truth file`);
    matches.push(matchCampaign(t, foundSets, rec));
  }
  const allTrue = new Set<string>();
  for (const t of truths.values()) for (const id of t.account_ids) allTrue.add(id);
  const falseCampaigns: FalseCampaign[] = foundSets
    .filter((f) => intersectionSize(f.ids, allTrue) === 0)
    .map((f) => ({ campaign_id: f.result.campaign_id, accounts: f.ids.size, interactions: f.result.interactions }));
  return {
    true_campaigns: truths.size,
    found_campaigns: found.length,
    matches,
    mean_jaccard: ratio(
      matches.reduce((s, m) => s + m.jaccard, 0),
      matches.length,
    ),
    false_campaigns: falseCampaigns,
  };
}
