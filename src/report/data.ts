/**
 * What a campaign report says, gathered from the store once and rendered as Markdown, HTML or PDF (render-*.ts):
 * the campaigns and account verdicts `analyze` kept, each campaign's calls per day, its members' strongest signals
 * with the signals' metadata, example prompts (truncated, redacted), system-prompt excerpts, and partner matches.
 */
import { CAPABILITY_LABELS, isCapability } from '../model/capabilities.js';
import type { AccountResult, CampaignResult } from '../model/results.js';
import { ACCOUNT_SIGNAL_META } from '../signals/account.js';
import { TEXT_SIGNAL_META } from '../signals/text/index.js';
import type { SignalMeta } from '../signals/types.js';
import { lit, type Store } from '../store/store.js';
import { loadAttributions, type Attribution } from '../stix/attribution.js';
import { hasTable, loadAccountResults, loadCampaigns } from './load.js';
import { DEFAULT_PROMPT_OPTIONS, examplePrompt, redactText, type PromptOptions } from './redact.js';
import type { DayCount } from './svg.js';

export const ALL_SIGNAL_META: readonly SignalMeta[] = [...TEXT_SIGNAL_META, ...ACCOUNT_SIGNAL_META];
const META = new Map(ALL_SIGNAL_META.map((m) => [m.id, m]));

export interface ReportOptions {
  /** Example prompts per campaign (0 = none). */
  examples: number;
  prompt: PromptOptions;
  /** Time stamped as the report's date (default: now). */
  generatedAt?: Date;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = { examples: 3, prompt: DEFAULT_PROMPT_OPTIONS };

export interface SignalSummary {
  id: string;
  /** Sum over the campaign's accounts of the signal's contributions to their log-odds. */
  weight: number;
  /** Accounts whose reasons name it. */
  accounts: number;
  /** One account's detail, as an example. */
  detail: string;
  meta: SignalMeta | undefined;
}

export interface CampaignSection {
  campaign: CampaignResult;
  days: DayCount[];
  /** Calls in `days` (the campaign's own calls: all calls of its pure accounts, the matched calls of mixed ones). */
  dayTotal: number;
  verdicts: Record<string, number>;
  /** Accounts whose traffic mixes campaign calls with other calls. */
  mixed: number;
  signals: SignalSummary[];
  examples: string[];
  systemPrompts: Array<{ hash: string; excerpt: string; chars: number }>;
  partner: { accounts: number; details: string[] };
  attribution: Attribution | undefined;
}

export interface ReportData {
  generatedAt: string;
  store: { path: string; interactions: number; accounts: number; first: string | null; last: string | null };
  verdicts: Record<string, number>;
  campaigns: CampaignSection[];
  headline: string;
  options: ReportOptions;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export function fmtDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${d.getUTCFullYear()}`;
}
function listWords(xs: string[]): string {
  if (xs.length <= 1) return xs.join('');
  return xs.slice(0, -1).join(', ') + ' and ' + xs[xs.length - 1];
}
export function capabilityLabel(k: string): string {
  return isCapability(k) ? CAPABILITY_LABELS[k] : k;
}

/** The plain-words headline: exact totals over all campaigns, their span, and the capabilities they target most. */
export function headline(campaigns: CampaignResult[], store: ReportData['store']): string {
  if (campaigns.length === 0) {
    const span = store.first && store.last ? ` between ${fmtDay(store.first)} and ${fmtDay(store.last)}` : '';
    return `No distillation campaign was found in ${fmtInt(store.interactions)} interactions of ${fmtInt(store.accounts)} accounts${span}.`;
  }
  const interactions = campaigns.reduce((s, c) => s + c.interactions, 0);
  const accounts = campaigns.reduce((s, c) => s + c.accounts, 0);
  const first = campaigns.map((c) => c.first_seen).sort()[0]!;
  const last = campaigns.map((c) => c.last_seen).sort().at(-1)!;
  const caps = new Map<string, number>();
  for (const c of campaigns) for (const [k, v] of Object.entries(c.capabilities)) caps.set(k, (caps.get(k) ?? 0) + (v ?? 0) * c.interactions);
  const top = [...caps]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .filter(([, v]) => v >= 0.05 * interactions)
    .slice(0, 3)
    .map(([k]) => capabilityLabel(k));
  const n = campaigns.length;
  return (
    `${fmtInt(interactions)} interactions through ${fmtInt(accounts)} accounts between ${fmtDay(first)} and ${fmtDay(last)}` +
    (top.length ? `, targeting ${listWords(top)}` : '') +
    (n > 1 ? `, in ${n} campaigns` : '') +
    '.'
  );
}

async function days(store: Store, c: CampaignResult, own: boolean): Promise<DayCount[]> {
  const id = lit(c.campaign_id);
  const rows = own
    ? await store.all<{ d: number; n: number }>(`SELECT (ts // 86400000)::BIGINT AS d, count(*)::BIGINT AS n FROM campaign_interactions WHERE campaign_id = ${id} GROUP BY 1 ORDER BY 1`)
    : await store.all<{ d: number; n: number }>(`SELECT (ts // 86400000)::BIGINT AS d, count(*)::BIGINT AS n FROM interactions WHERE account_id IN (SELECT unnest(account_ids) FROM campaigns WHERE campaign_id = ${id}) GROUP BY 1 ORDER BY 1`);
  if (!rows.length) return [];
  const by = new Map(rows.map((r) => [Number(r.d), Number(r.n)]));
  const d0 = Number(rows[0]!.d);
  const d1 = Number(rows[rows.length - 1]!.d);
  const out: DayCount[] = [];
  for (let d = d0; d <= d1; d++) out.push({ day: new Date(d * 86_400_000).toISOString().slice(0, 10), n: by.get(d) ?? 0 });
  return out;
}

function signals(members: AccountResult[]): SignalSummary[] {
  const by = new Map<string, SignalSummary>();
  for (const a of members) {
    const seen = new Set<string>();
    for (const r of a.reasons) {
      if (r.signal === 'campaign.member' || r.contribution <= 0) continue;
      const s = by.get(r.signal) ?? { id: r.signal, weight: 0, accounts: 0, detail: r.detail, meta: META.get(r.signal) };
      s.weight += r.contribution;
      if (!seen.has(r.signal)) s.accounts++;
      seen.add(r.signal);
      by.set(r.signal, s);
    }
  }
  return [...by.values()].sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1)).slice(0, 5);
}

async function examples(store: Store, c: CampaignResult, o: ReportOptions): Promise<string[]> {
  if (o.examples <= 0) return [];
  const members = `(SELECT unnest(account_ids) FROM campaigns WHERE campaign_id = ${lit(c.campaign_id)})`;
  const out: string[] = [];
  // One prompt per wrapper, most used wrappers first: campaign traffic, not a mixed account's genuine customers.
  for (const t of c.indicators.template_fingerprints.slice(0, o.examples)) {
    const r = await store.one<{ prompt: string }>(`SELECT prompt FROM interactions WHERE template = ${lit(t)} AND account_id IN ${members} AND prompt IS NOT NULL ORDER BY hash(id) LIMIT 1`);
    if (r?.prompt) out.push(examplePrompt(r.prompt, o.prompt));
  }
  if (out.length < o.examples && c.indicators.template_fingerprints.length === 0) {
    for (const r of await store.all<{ prompt: string }>(`SELECT prompt FROM interactions WHERE account_id IN ${members} AND prompt IS NOT NULL ORDER BY hash(id) LIMIT ${o.examples - out.length}`))
      out.push(examplePrompt(r.prompt, o.prompt));
  }
  return out;
}

async function systemPrompts(store: Store, c: CampaignResult, o: ReportOptions): Promise<CampaignSection['systemPrompts']> {
  const hashes = c.indicators.system_prompt_hashes.slice(0, 3);
  if (!hashes.length || !(await hasTable(store, 'system_prompts'))) return [];
  const rows = await store.all<{ system_hash: string; system: string | null; chars: number }>(`SELECT system_hash, system, chars FROM system_prompts WHERE system_hash IN (${hashes.map(lit).join(', ')})`);
  const by = new Map(rows.map((r) => [r.system_hash, r]));
  return hashes.map((h) => {
    const r = by.get(h);
    return { hash: h, excerpt: r?.system ? examplePrompt(r.system, { ...o.prompt, maxChars: Math.min(o.prompt.maxChars, 200) }) : '', chars: Number(r?.chars ?? 0) };
  });
}

/** Everything the report shows, read from the store. */
export async function gatherReport(store: Store, o: ReportOptions = DEFAULT_REPORT_OPTIONS): Promise<ReportData> {
  const campaigns = await loadCampaigns(store);
  const accounts = await loadAccountResults(store);
  const attribution = await loadAttributions(store);
  const t = await store.one<{ n: number; a: number; f: number | null; l: number | null }>(`SELECT count(*)::BIGINT AS n, count(DISTINCT account_id)::BIGINT AS a, min(ts)::BIGINT AS f, max(ts)::BIGINT AS l FROM interactions`);
  const storeInfo = {
    path: store.path,
    interactions: Number(t?.n ?? 0),
    accounts: Number(t?.a ?? 0),
    first: t?.f === null || t?.f === undefined ? null : new Date(Number(t.f)).toISOString(),
    last: t?.l === null || t?.l === undefined ? null : new Date(Number(t.l)).toISOString(),
  };
  const verdicts: Record<string, number> = { distillation: 0, suspicious: 0, benign: 0 };
  for (const a of accounts) verdicts[a.verdict] = (verdicts[a.verdict] ?? 0) + 1;
  const byCampaign = new Map<string, AccountResult[]>();
  for (const a of accounts) if (a.campaign_id) (byCampaign.get(a.campaign_id) ?? byCampaign.set(a.campaign_id, []).get(a.campaign_id)!).push(a);
  const own = await hasTable(store, 'campaign_interactions');
  const sections: CampaignSection[] = [];
  for (const c of campaigns) {
    const members = byCampaign.get(c.campaign_id) ?? [];
    const v: Record<string, number> = { distillation: 0, suspicious: 0, benign: 0 };
    for (const a of members) v[a.verdict] = (v[a.verdict] ?? 0) + 1;
    const d = await days(store, c, own);
    const partner = members.flatMap((a) => a.reasons.filter((r) => r.signal === 'intel.partner_match').map((r) => r.detail));
    sections.push({
      campaign: c,
      days: d,
      dayTotal: d.reduce((s, x) => s + x.n, 0),
      verdicts: v,
      mixed: members.filter((a) => a.distillation_share < 1).length,
      signals: signals(members),
      examples: await examples(store, c, o),
      systemPrompts: await systemPrompts(store, c, o),
      partner: { accounts: partner.length, details: [...new Set(partner)].slice(0, 5).map((x) => (o.prompt.redact ? redactText(x) : x)) },
      attribution: attribution.get(c.campaign_id),
    });
  }
  return {
    generatedAt: (o.generatedAt ?? new Date()).toISOString(),
    store: storeInfo,
    verdicts,
    campaigns: sections,
    headline: headline(campaigns, storeInfo),
    options: o,
  };
}
