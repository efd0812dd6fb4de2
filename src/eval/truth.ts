/** The true campaigns as the labels define them: account sets and distillation interaction totals. */
import type { AccountLabel } from '../model/labels.js';

export interface TrueCampaign {
  campaign_id: string;
  /** Labels of its accounts (attackers and mixed proxies), in labels order. */
  members: AccountLabel[];
  account_ids: Set<string>;
  /** Sum of distillation_interactions of its accounts. */
  distillation_interactions: number;
}

/** True campaigns keyed by id, sorted by id. */
export function trueCampaigns(labels: readonly AccountLabel[]): Map<string, TrueCampaign> {
  const byId = new Map<string, TrueCampaign>();
  for (const l of labels) {
    if (l.campaign_id === null) continue;
    let c = byId.get(l.campaign_id);
    if (!c) {
      c = { campaign_id: l.campaign_id, members: [], account_ids: new Set(), distillation_interactions: 0 };
      byId.set(l.campaign_id, c);
    }
    c.members.push(l);
    c.account_ids.add(l.account_id);
    c.distillation_interactions += l.distillation_interactions;
  }
  return new Map([...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
