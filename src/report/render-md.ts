/**
 * The report as Markdown (report.md), its charts as SVG files beside it (charts/). Prompts and other text taken from
 * the logs are hostile input: they go into fenced code blocks whose fence is longer than any backtick run inside,
 * and other log-derived text is escaped, so nothing in a prompt can become markup, a link or raw HTML.
 */
import { ALL_SIGNAL_META, capabilityLabel, fmtDay, type CampaignSection, type ReportData } from './data.js';
import { barsSvg, timelineSvg } from './svg.js';
import { confidenceText, METHOD_TEXT, verifySteps } from './words.js';

/** Escape Markdown and inline HTML in text from the logs. */
export function mdEscape(s: string): string {
  const inline = s
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/[\\`*_[\]<>|~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '\\' + c));
  // Block markers only matter where the text could start a line.
  const t = inline.trimStart();
  if (/^[#+=-]/.test(t)) return '\\' + t;
  return t.replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A fenced code block that its content cannot close. */
export function mdFence(s: string, info = 'text'): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((x) => x.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${s}\n${fence}`;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** File-name-safe form of a campaign id. */
export function chartName(campaignId: string, kind: 'timeline' | 'capabilities'): string {
  return `charts/${campaignId.replace(/[^A-Za-z0-9_-]/g, '_')}-${kind}.svg`;
}

export interface MdOutput {
  markdown: string;
  /** Relative path -> SVG text. */
  charts: Map<string, string>;
}

function campaignMd(s: CampaignSection, charts: Map<string, string>, redact: boolean): string[] {
  const c = s.campaign;
  const out: string[] = [];
  out.push(`## Campaign ${mdEscape(c.campaign_id)}`, '');
  out.push(`**${mdEscape(c.summary)}.**`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Accounts | ${int(c.accounts)} |`);
  out.push(`| Interactions (estimated distillation calls) | ${int(c.interactions)} |`);
  out.push(`| First seen | ${c.first_seen} (${fmtDay(c.first_seen)}) |`);
  out.push(`| Last seen | ${c.last_seen} (${fmtDay(c.last_seen)}) |`);
  out.push(`| Confidence score | ${c.score.toFixed(2)} |`);
  if (s.attribution) out.push(`| Attributed to | ${mdEscape(s.attribution.actor)} (${mdEscape(s.attribution.actor_types.join(', ') || 'unknown')}) |`);
  out.push('');
  const tl = chartName(c.campaign_id, 'timeline');
  const cp = chartName(c.campaign_id, 'capabilities');
  charts.set(tl, timelineSvg(s.days, `Calls per day, campaign ${c.campaign_id}`));
  const bars = Object.entries(c.capabilities)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, v]) => ({ label: capabilityLabel(k), value: v ?? 0 }));
  charts.set(cp, barsSvg(bars, `Capabilities targeted, campaign ${c.campaign_id}`));
  out.push('### Timeline', '', `![Calls per day](${tl})`, '', `${int(s.dayTotal)} calls attributed to the campaign over ${s.days.length} days (UTC).`, '');
  out.push('### Capabilities targeted', '', `![Capability breakdown](${cp})`, '');
  out.push('| capability | share |', '|---|---|');
  for (const b of bars) out.push(`| ${mdEscape(b.label)} | ${(b.value * 100).toFixed(1)}% |`);
  out.push('', '### Models targeted', '', '| model | share |', '|---|---|');
  for (const [m, v] of Object.entries(c.models).sort((a, b) => b[1] - a[1])) out.push(`| ${mdEscape(m)} | ${(v * 100).toFixed(1)}% |`);
  const ind = c.indicators;
  const few = (xs: Array<string | number>, n = 10) => (xs.length ? xs.slice(0, n).map((x) => '`' + String(x).replace(/`/g, '') + '`').join(', ') + (xs.length > n ? `, … (${xs.length} in all)` : '') : 'none');
  const payments = redact ? ind.payment_fingerprints.map((p) => (p.length > 10 ? `${p.slice(0, 6)}…${p.slice(-2)}` : '…')) : ind.payment_fingerprints;
  out.push('', '### Infrastructure indicators', '');
  out.push(`- IP addresses shared by several accounts (${ind.ips.length}): ${few(ind.ips)}`);
  out.push(`- Networks (${ind.cidrs.length}): ${few(ind.cidrs)}`);
  out.push(`- Autonomous systems (${ind.asns.length}): ${few(ind.asns.map((a) => `AS${a}`), 25)}`);
  out.push(`- Payment fingerprints shared by several accounts (${ind.payment_fingerprints.length}): ${few(payments)}`);
  out.push(`- E-mail domains used by several accounts (${ind.email_domains.length}): ${few(ind.email_domains)}`);
  out.push(`- Prompt-wrapper fingerprints (${ind.template_fingerprints.length}): ${few(ind.template_fingerprints, 5)}`);
  out.push(`- System-prompt hashes (${ind.system_prompt_hashes.length}): ${few(ind.system_prompt_hashes, 5)}`);
  for (const sp of s.systemPrompts) if (sp.excerpt) out.push('', `System prompt \`${sp.hash}\` (${int(sp.chars)} characters):`, '', mdFence(sp.excerpt));
  out.push('', '### Strongest signals', '');
  if (!s.signals.length) out.push('No positive contributions recorded.');
  for (const g of s.signals) {
    out.push(`#### ${mdEscape(g.meta?.title ?? g.id)} (\`${g.id}\`)`, '');
    out.push(`Named in the reasons of ${g.accounts} accounts (total contribution to their log-odds ${g.weight.toFixed(1)}); for example: ${mdEscape(g.detail)}.`, '');
    if (g.meta) {
      out.push(`*Why it indicates distillation:* ${mdEscape(g.meta.rationale)}`, '', '*Known false positives:*', '');
      for (const f of g.meta.falsePositives) out.push(`- ${mdEscape(f)}`);
      out.push('');
    }
  }
  if (c.evidence.length) {
    out.push('### Campaign evidence', '');
    for (const e of c.evidence) out.push(`- \`${String(e.signal).replace(/`/g, '')}\`: ${mdEscape(String(e.detail))}`);
    out.push('');
  }
  if (s.partner.accounts) {
    out.push('### Partner intelligence', '', `${s.partner.accounts} accounts match indicators shared by other providers:`, '');
    for (const d of s.partner.details) out.push(`- ${mdEscape(d)}`);
    out.push('');
  }
  out.push('### Example prompts', '');
  if (!s.examples.length) out.push('None shown (no prompt text kept, or examples turned off).', '');
  else {
    out.push(`Truncated to a few hundred characters${redact ? '; e-mail addresses, keys and tokens, long numbers and URLs replaced' : ' (not redacted)'}.`, '');
    for (const e of s.examples) out.push(mdFence(e), '');
  }
  out.push('### Confidence', '', mdEscape(confidenceText(s)), '');
  out.push('### How to verify', '');
  verifySteps(s).forEach((v, i) => {
    out.push(`${i + 1}. ${v.text}`);
    if (v.sql) out.push('', mdFence(v.sql, 'sql').replace(/^/gm, '   '), '');
  });
  out.push('');
  return out;
}

export function renderMarkdown(d: ReportData): MdOutput {
  const charts = new Map<string, string>();
  const out: string[] = ['# Distillation campaign report', ''];
  out.push(`**${mdEscape(d.headline)}**`, '');
  out.push(
    `Store \`${d.store.path.replace(/`/g, '')}\`: ${int(d.store.interactions)} interactions of ${int(d.store.accounts)} accounts` +
      (d.store.first && d.store.last ? ` between ${fmtDay(d.store.first)} and ${fmtDay(d.store.last)}` : '') +
      `. Verdicts: ${int(d.verdicts.distillation ?? 0)} distillation, ${int(d.verdicts.suspicious ?? 0)} suspicious, ${int(d.verdicts.benign ?? 0)} benign. Report generated ${d.generatedAt}.`,
    '',
  );
  if (d.campaigns.length) {
    out.push('| campaign | accounts | interactions | first seen | last seen | score |', '|---|---|---|---|---|---|');
    for (const s of d.campaigns) out.push(`| ${mdEscape(s.campaign.campaign_id)} | ${int(s.campaign.accounts)} | ${int(s.campaign.interactions)} | ${fmtDay(s.campaign.first_seen)} | ${fmtDay(s.campaign.last_seen)} | ${s.campaign.score.toFixed(2)} |`);
    out.push('');
  }
  for (const s of d.campaigns) out.push(...campaignMd(s, charts, d.options.prompt.redact));
  out.push('## Methodology', '');
  for (const p of METHOD_TEXT) out.push(p, '');
  out.push('### Signals', '');
  for (const m of ALL_SIGNAL_META) {
    out.push(`#### ${mdEscape(m.title)} (\`${m.id}\`, ${m.level})`, '', mdEscape(m.rationale), '', 'Known false positives:', '');
    for (const f of m.falsePositives) out.push(`- ${mdEscape(f)}`);
    out.push('', 'References:', '');
    for (const r of m.references) out.push(`- ${mdEscape(r)}`);
    out.push('');
  }
  return { markdown: out.join('\n'), charts };
}
