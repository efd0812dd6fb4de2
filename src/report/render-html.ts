/**
 * The report as one self-contained HTML file (report.html): inline CSS and inline SVG charts, no script, no external
 * resource, and a Content-Security-Policy that forbids loading any, so it opens offline and a hostile prompt cannot
 * make it fetch or run anything. Every text from the logs is HTML-escaped.
 */
import { ALL_SIGNAL_META, capabilityLabel, fmtDay, type CampaignSection, type ReportData } from './data.js';
import { barsSvg, escapeXml as esc, timelineSvg } from './svg.js';
import { confidenceText, METHOD_TEXT, verifySteps } from './words.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2933;max-width:960px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{border-bottom:2px solid #d9e2ec;padding-bottom:.2rem;margin-top:2.5rem}h3{margin-top:1.6rem}h4{margin:1.2rem 0 .3rem}
.headline{font-size:1.25rem;font-weight:600;background:#f0f4f8;border-left:4px solid #2f6fb0;padding:.8rem 1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d9e2ec;padding:.25rem .6rem;text-align:left;vertical-align:top}th{background:#f0f4f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f5f7fa;border:1px solid #d9e2ec;padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}
code{font-size:13px;overflow-wrap:anywhere}.muted{color:#616e7c}.chart{max-width:100%;height:auto;display:block;margin:.5rem 0}
.fp li{color:#3e4c59}section.campaign{page-break-before:always}
@media print{body{margin:0;max-width:none}section.campaign{page-break-before:always}}
`;

function campaignHtml(s: CampaignSection, redact: boolean): string {
  const c = s.campaign;
  const id = esc(c.campaign_id);
  const h: string[] = [];
  h.push(`<section class="campaign" id="campaign-${esc(c.campaign_id.replace(/[^A-Za-z0-9_-]/g, '_'))}" data-campaign="${id}">`);
  h.push(`<h2>Campaign ${id}</h2>`, `<p><strong>${esc(c.summary)}.</strong></p>`);
  h.push('<table class="facts">');
  h.push(`<tr><th>Accounts</th><td class="num" data-field="accounts">${int(c.accounts)}</td></tr>`);
  h.push(`<tr><th>Interactions (estimated distillation calls)</th><td class="num" data-field="interactions">${int(c.interactions)}</td></tr>`);
  h.push(`<tr><th>First seen</th><td data-field="first_seen">${esc(c.first_seen)} (${esc(fmtDay(c.first_seen))})</td></tr>`);
  h.push(`<tr><th>Last seen</th><td data-field="last_seen">${esc(c.last_seen)} (${esc(fmtDay(c.last_seen))})</td></tr>`);
  h.push(`<tr><th>Confidence score</th><td class="num" data-field="score">${c.score.toFixed(2)}</td></tr>`);
  if (s.attribution) h.push(`<tr><th>Attributed to</th><td>${esc(s.attribution.actor)} (${esc(s.attribution.actor_types.join(', ') || 'unknown')})</td></tr>`);
  h.push('</table>');
  h.push('<h3>Timeline</h3>', timelineSvg(s.days, `Calls per day, campaign ${c.campaign_id}`), `<p class="muted">${int(s.dayTotal)} calls attributed to the campaign over ${s.days.length} days (UTC).</p>`);
  const bars = Object.entries(c.capabilities)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, v]) => ({ label: capabilityLabel(k), value: v ?? 0 }));
  h.push('<h3>Capabilities targeted</h3>', barsSvg(bars, `Capabilities targeted, campaign ${c.campaign_id}`));
  h.push('<h3>Models targeted</h3><table><tr><th>model</th><th>share</th></tr>');
  for (const [m, v] of Object.entries(c.models).sort((a, b) => b[1] - a[1])) h.push(`<tr><td>${esc(m)}</td><td class="num">${(v * 100).toFixed(1)}%</td></tr>`);
  h.push('</table>');
  const ind = c.indicators;
  const few = (xs: Array<string | number>, n = 10) => (xs.length ? xs.slice(0, n).map((x) => `<code>${esc(String(x))}</code>`).join(', ') + (xs.length > n ? `, … (${xs.length} in all)` : '') : '<span class="muted">none</span>');
  const payments = redact ? ind.payment_fingerprints.map((p) => (p.length > 10 ? `${p.slice(0, 6)}…${p.slice(-2)}` : '…')) : ind.payment_fingerprints;
  h.push('<h3>Infrastructure indicators</h3><ul>');
  h.push(`<li>IP addresses shared by several accounts (${ind.ips.length}): ${few(ind.ips)}</li>`);
  h.push(`<li>Networks (${ind.cidrs.length}): ${few(ind.cidrs)}</li>`);
  h.push(`<li>Autonomous systems (${ind.asns.length}): ${few(ind.asns.map((a) => `AS${a}`), 25)}</li>`);
  h.push(`<li>Payment fingerprints shared by several accounts (${ind.payment_fingerprints.length}): ${few(payments)}</li>`);
  h.push(`<li>E-mail domains used by several accounts (${ind.email_domains.length}): ${few(ind.email_domains)}</li>`);
  h.push(`<li>Prompt-wrapper fingerprints (${ind.template_fingerprints.length}): ${few(ind.template_fingerprints, 5)}</li>`);
  h.push(`<li>System-prompt hashes (${ind.system_prompt_hashes.length}): ${few(ind.system_prompt_hashes, 5)}</li>`);
  h.push('</ul>');
  for (const sp of s.systemPrompts) if (sp.excerpt) h.push(`<p>System prompt <code>${esc(sp.hash)}</code> (${int(sp.chars)} characters):</p><pre class="prompt">${esc(sp.excerpt)}</pre>`);
  h.push('<h3>Strongest signals</h3>');
  if (!s.signals.length) h.push('<p class="muted">No positive contributions recorded.</p>');
  for (const g of s.signals) {
    h.push(`<h4>${esc(g.meta?.title ?? g.id)} <code>${esc(g.id)}</code></h4>`);
    h.push(`<p>Named in the reasons of ${g.accounts} accounts (total contribution to their log-odds ${g.weight.toFixed(1)}); for example: ${esc(g.detail)}.</p>`);
    if (g.meta) {
      h.push(`<p><em>Why it indicates distillation:</em> ${esc(g.meta.rationale)}</p><p><em>Known false positives:</em></p><ul class="fp">`);
      for (const f of g.meta.falsePositives) h.push(`<li>${esc(f)}</li>`);
      h.push('</ul>');
    }
  }
  if (c.evidence.length) {
    h.push('<h3>Campaign evidence</h3><ul>');
    for (const e of c.evidence) h.push(`<li><code>${esc(String(e.signal))}</code>: ${esc(String(e.detail))}</li>`);
    h.push('</ul>');
  }
  if (s.partner.accounts) {
    h.push(`<h3>Partner intelligence</h3><p>${s.partner.accounts} accounts match indicators shared by other providers:</p><ul>`);
    for (const d of s.partner.details) h.push(`<li>${esc(d)}</li>`);
    h.push('</ul>');
  }
  h.push('<h3>Example prompts</h3>');
  if (!s.examples.length) h.push('<p class="muted">None shown (no prompt text kept, or examples turned off).</p>');
  else {
    h.push(`<p class="muted">Truncated to a few hundred characters${redact ? '; e-mail addresses, keys and tokens, long numbers and URLs replaced' : ' (not redacted)'}.</p>`);
    for (const e of s.examples) h.push(`<pre class="prompt">${esc(e)}</pre>`);
  }
  h.push('<h3>Confidence</h3>', `<p>${esc(confidenceText(s))}</p>`);
  h.push('<h3>How to verify</h3><ol>');
  for (const v of verifySteps(s)) h.push(`<li>${esc(v.text)}${v.sql ? `<pre><code>${esc(v.sql)}</code></pre>` : ''}</li>`);
  h.push('</ol></section>');
  return h.join('\n');
}

export function renderHtml(d: ReportData): string {
  const h: string[] = [];
  h.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">');
  h.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  h.push('<meta name="viewport" content="width=device-width, initial-scale=1">', '<title>Distillation campaign report</title>', `<style>${CSS}</style></head><body>`);
  h.push('<h1>Distillation campaign report</h1>');
  h.push(`<p class="headline" id="headline">${esc(d.headline)}</p>`);
  h.push(
    `<p class="muted">Store <code>${esc(d.store.path)}</code>: ${int(d.store.interactions)} interactions of ${int(d.store.accounts)} accounts` +
      (d.store.first && d.store.last ? ` between ${esc(fmtDay(d.store.first))} and ${esc(fmtDay(d.store.last))}` : '') +
      `. Verdicts: ${int(d.verdicts.distillation ?? 0)} distillation, ${int(d.verdicts.suspicious ?? 0)} suspicious, ${int(d.verdicts.benign ?? 0)} benign. Report generated ${esc(d.generatedAt)}.</p>`,
  );
  if (d.campaigns.length) {
    h.push('<table class="summary"><tr><th>campaign</th><th>accounts</th><th>interactions</th><th>first seen</th><th>last seen</th><th>score</th></tr>');
    for (const s of d.campaigns) {
      const c = s.campaign;
      h.push(`<tr><td><a href="#campaign-${esc(c.campaign_id.replace(/[^A-Za-z0-9_-]/g, '_'))}">${esc(c.campaign_id)}</a></td><td class="num">${int(c.accounts)}</td><td class="num">${int(c.interactions)}</td><td>${esc(fmtDay(c.first_seen))}</td><td>${esc(fmtDay(c.last_seen))}</td><td class="num">${c.score.toFixed(2)}</td></tr>`);
    }
    h.push('</table>');
  }
  for (const s of d.campaigns) h.push(campaignHtml(s, d.options.prompt.redact));
  h.push('<section class="methodology" id="methodology"><h2>Methodology</h2>');
  for (const p of METHOD_TEXT) h.push(`<p>${esc(p)}</p>`);
  h.push('<h3>Signals</h3>');
  for (const m of ALL_SIGNAL_META) {
    h.push(`<h4>${esc(m.title)} <code>${esc(m.id)}</code> <span class="muted">(${esc(m.level)})</span></h4><p>${esc(m.rationale)}</p><p><em>Known false positives:</em></p><ul class="fp">`);
    for (const f of m.falsePositives) h.push(`<li>${esc(f)}</li>`);
    h.push('</ul><p class="muted">References: ' + m.references.map(esc).join('; ') + '</p>');
  }
  h.push('</section></body></html>');
  return h.join('\n') + '\n';
}
