/**
 * Scoring: account features (stage 1), then the account with its links and community (stage 2), so that accounts
 * that each look clean are caught through what ties them to others. Reasons are the largest contributions.
 */
import type { Store } from '../store/store.js';
import { ACCOUNT_FEATURES, FEATURE_TEXT, type AccountFeatureName } from './features.js';
import { LINK_KINDS, LINK_TEXT, type Communities, type LinkKind } from './graph.js';
import { FEATURE_SIGNAL } from '../signals/account.js';
import type { Reason, Verdict } from '../model/results.js';
import { contributions, predict, type LinearModel, type ModelFile } from './model.js';

export const COMMUNITY_FEATURES = [
  'comm_size_log',
  'comm_mean_p1',
  'nb_mean_p1',
  'link_template_log',
  'link_ip_log',
  'link_payment_log',
  'link_signup_log',
] as const;
export type CommunityFeatureName = (typeof COMMUNITY_FEATURES)[number];

export const COMMUNITY_TEXT: Record<CommunityFeatureName, string> = {
  comm_size_log: 'size of its linked group',
  comm_mean_p1: 'how suspicious the other accounts of its linked group look',
  nb_mean_p1: 'how suspicious its directly linked accounts look',
  link_template_log: `links by ${LINK_TEXT.template}`,
  link_ip_log: `links by ${LINK_TEXT.ip}`,
  link_payment_log: `links by ${LINK_TEXT.payment}`,
  link_signup_log: `links by ${LINK_TEXT.signup}`,
};

export const STAGE2_FEATURES: string[] = [...ACCOUNT_FEATURES, ...COMMUNITY_FEATURES];

export interface AccountRow {
  account_id: string;
  interactions: number;
  first_ts: number;
  last_ts: number;
  x1: number[];
  /** Filled by scoring. */
  p1?: number;
  x2?: number[];
  score?: number;
  community?: number;
}

export async function loadAccountRows(store: Store): Promise<AccountRow[]> {
  const cols = ACCOUNT_FEATURES.map((f) => `${f}::DOUBLE AS ${f}`).join(', ');
  const rows = await store.all<Record<string, unknown>>(
    `SELECT account_id, interactions::BIGINT AS interactions, first_ts::BIGINT AS first_ts, last_ts::BIGINT AS last_ts, ${cols} FROM account_features ORDER BY account_id`,
  );
  return rows.map((r) => ({
    account_id: String(r.account_id),
    interactions: Number(r.interactions),
    first_ts: Number(r.first_ts),
    last_ts: Number(r.last_ts),
    x1: ACCOUNT_FEATURES.map((f) => (r[f] === null || r[f] === undefined ? NaN : Number(r[f]))),
  }));
}

/** Link strength per kind for every linked account. */
export async function loadLinkStrength(store: Store): Promise<Map<string, Record<LinkKind, number>>> {
  const rows = await store.all<{ account_id: string; kind: LinkKind; w: number }>(`
    SELECT account_id, kind, sum(weight) AS w FROM (
      SELECT a AS account_id, kind, weight FROM account_links UNION ALL SELECT b, kind, weight FROM account_links)
    GROUP BY ALL`);
  const out = new Map<string, Record<LinkKind, number>>();
  for (const r of rows) {
    let m = out.get(r.account_id);
    if (!m) out.set(r.account_id, (m = { template: 0, ip: 0, payment: 0, signup: 0 }));
    m[r.kind] = Number(r.w);
  }
  return out;
}

/** Compute stage-2 inputs from stage-1 scores (`p1` must be set on every row). */
export function communityFeatures(rows: AccountRow[], comm: Communities, links: Map<string, Record<LinkKind, number>>): void {
  const p1 = new Map(rows.map((r) => [r.account_id, r.p1!]));
  const commSum = new Map<number, { s: number; n: number }>();
  for (const [c, members] of comm.members) {
    let s = 0;
    for (const a of members) s += p1.get(a) ?? 0;
    commSum.set(c, { s, n: members.length });
  }
  for (const r of rows) {
    const c = comm.of.get(r.account_id);
    r.community = c;
    let size = 1;
    let others = 0;
    if (c !== undefined) {
      const cs = commSum.get(c)!;
      size = cs.n;
      others = cs.n > 1 ? (cs.s - r.p1!) / (cs.n - 1) : 0;
    }
    let nb = 0;
    if (comm.graph.hasNode(r.account_id)) {
      let ws = 0;
      let s = 0;
      comm.graph.forEachEdge(r.account_id, (_e: string, attr: Record<string, unknown>, src: string, dst: string) => {
        const other = src === r.account_id ? dst : src;
        const w = Number(attr.weight);
        ws += w;
        s += w * (p1.get(other) ?? 0);
      });
      nb = ws > 0 ? s / ws : 0;
    }
    const l = links.get(r.account_id);
    const lk = (k: LinkKind) => Math.log1p(l?.[k] ?? 0);
    // Community size saturates at 20: beyond that it says more about the data set's scale than about the account.
    r.x2 = [...r.x1, Math.log1p(Math.min(size, 20)), others, nb, ...LINK_KINDS.map(lk)];
  }
}

export type { Reason, Verdict } from '../model/results.js';

export function verdictOf(score: number, model: Pick<ModelFile, 'thresholds'>): Verdict {
  if (score >= model.thresholds.distillation) return 'distillation';
  if (score >= model.thresholds.suspicious) return 'suspicious';
  return 'benign';
}

function fmtValue(f: string, v: number): string {
  if (!Number.isFinite(v)) return 'unknown';
  if (f.endsWith('_share') || f === 'hour_entropy' || f === 'comm_mean_p1' || f === 'nb_mean_p1' || f === 'email_domain_new_share') return `${(v * 100).toFixed(0)}%`;
  if (f.endsWith('_log')) return `${Math.round(Math.expm1(v))}`;
  if (f === 'log_interactions' || f === 'log_per_active_day' || f === 'log_peak_hour') return `${Math.round(Math.expm1(v))}`;
  return v.toFixed(2);
}

/** "share of single-turn requests: 97%" */
export function featureDetail(f: string, v: number): string {
  return `${FEATURE_TEXT[f as AccountFeatureName] ?? COMMUNITY_TEXT[f as CommunityFeatureName] ?? f}: ${fmtValue(f, v)}`;
}

/** The strongest reasons behind a score: positive contributions to the log-odds, with the account's own values. */
export function reasonsFor(x: number[], m: LinearModel, top = 6): Reason[] {
  return contributions(x, m)
    .filter((c) => c.contribution > 0.05)
    .slice(0, top)
    .map((c) => ({
      signal: FEATURE_SIGNAL[c.feature] ?? c.feature,
      contribution: Math.round(c.contribution * 1000) / 1000,
      detail: featureDetail(c.feature, c.value),
    }));
}

/** Score every row with a trained model (sets p1, x2, score). */
export function scoreRows(rows: AccountRow[], comm: Communities, links: Map<string, Record<LinkKind, number>>, model: ModelFile): void {
  for (const r of rows) r.p1 = predict(r.x1, model.stage1);
  communityFeatures(rows, comm, links);
  for (const r of rows) r.score = predict(r.x2!, model.stage2);
}
