/**
 * The side files: accounts.jsonl (what the provider knows of each account), labels.jsonl (an AccountLabel per
 * account, with the distillation ids of resold proxy accounts recomputed from the pure schedule),
 * campaigns_truth.json and manifest.json.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CAPABILITIES } from '../model/capabilities.js';
import type { AccountLabel, CampaignTruth } from '../model/labels.js';
import { recordId } from './record.js';
import { ROLE_NAMES, ROLE_PROXY, type SimAccount, type World } from './world.js';

/** A line writer with backpressure. */
export class LineWriter {
  private readonly out;
  bytes = 0;
  constructor(path: string) {
    this.out = createWriteStream(path);
  }
  async write(s: string): Promise<void> {
    this.bytes += Buffer.byteLength(s);
    if (!this.out.write(s)) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** Accounts in sign-up order (then id), so that file order tells nothing about roles. */
export function accountOrder(w: World): SimAccount[] {
  return [...w.accounts].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export async function writeAccounts(path: string, order: SimAccount[]): Promise<number> {
  const out = new LineWriter(path);
  for (const a of order) {
    await out.write(
      JSON.stringify({
        account_id: a.id,
        created_at: new Date(a.createdAt).toISOString(),
        tier: a.tier,
        verified: a.verified,
        email_domain: a.emailDomain,
        payment_fingerprint: a.payment,
        signup_ip: a.signupIp,
        country: a.country,
        org_id: a.orgId,
      }) + '\n',
    );
  }
  await out.close();
  return out.bytes;
}

/** Distillation ids of a proxy account: its attack stream's calls come first in each slice (k < count). */
function distillationIds(w: World, a: SimAccount): string[] {
  const ids: string[] = [];
  const st = a.streams.find((s) => s.attack);
  if (!st) return ids;
  for (let s = st.s0; s < st.s1; s++) {
    const n = w.clock.count(a.idx, st, s);
    for (let k = 0; k < n; k++) ids.push(recordId(w.seedMix, a.idx, s, k));
  }
  return ids;
}

export async function writeLabels(path: string, w: World, order: SimAccount[], total: Int32Array, dist: Int32Array): Promise<number> {
  const out = new LineWriter(path);
  for (const a of order) {
    const label: AccountLabel = {
      account_id: a.id,
      campaign_id: a.campaign >= 0 ? (w.campaigns[a.campaign]?.spec.id ?? null) : null,
      role: ROLE_NAMES[a.role] as AccountLabel['role'],
      group: a.group,
      interactions: total[a.idx] as number,
      distillation_interactions: dist[a.idx] as number,
    };
    if (a.role === ROLE_PROXY) {
      label.distillation_ids = distillationIds(w, a);
      if (label.distillation_ids.length !== label.distillation_interactions) throw new Error(`internal: distillation ids of ${a.id} disagree with the generated traffic`);
    }
    await out.write(JSON.stringify(label) + '\n');
  }
  await out.close();
  return out.bytes;
}

export function campaignTruth(w: World, camp: Float64Array, stride: number, total: Int32Array): CampaignTruth[] {
  return w.campaigns.map((c, ci) => {
    const o = ci * stride;
    const n = camp[o] as number;
    const caps: CampaignTruth['capabilities'] = {};
    CAPABILITIES.forEach((cap, i) => {
      const v = camp[o + 3 + i] as number;
      if (v > 0) caps[cap] = v / n;
    });
    const models: Record<string, number> = {};
    w.models.all.forEach((m, i) => {
      const v = camp[o + 3 + CAPABILITIES.length + i] as number;
      if (v > 0) models[m.name] = v / n;
    });
    const accounts = w.accounts.filter((a) => a.campaign === ci && (total[a.idx] as number) > 0).length;
    return {
      campaign_id: c.spec.id,
      operator: c.spec.operator,
      description: c.spec.description,
      accounts,
      interactions: n,
      first_seen: n > 0 ? new Date(camp[o + 1] as number).toISOString() : '',
      last_seen: n > 0 ? new Date(camp[o + 2] as number).toISOString() : '',
      capabilities: caps,
      models,
      behaviours: [...c.behaviours].sort(),
    };
  });
}
