/** Report rendering without a store: hostile text is escaped, redaction and truncation, headline wording. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CampaignResult } from '../model/results.js';
import type { ReportData } from './data.js';
import { DEFAULT_REPORT_OPTIONS, headline } from './data.js';
import { renderHtml } from './render-html.js';
import { mdEscape, mdFence, renderMarkdown } from './render-md.js';
import { examplePrompt, redactText } from './redact.js';
import { barsSvg, timelineSvg } from './svg.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> ``` [click](http://evil.example/x) <a href="javascript:x">a</a> &lt; "quote\'s"';

function campaign(over: Partial<CampaignResult> = {}): CampaignResult {
  return {
    campaign_id: 'C001-<b>x</b>',
    score: 0.93,
    accounts: 1234,
    account_ids: ['a1'],
    interactions: 28_800_123,
    first_seen: '2026-04-22T10:00:00.000Z',
    last_seen: '2026-06-05T18:00:00.000Z',
    capabilities: { coding: 0.5, software_engineering: 0.3, agentic_tool_use: 0.2 },
    models: { [HOSTILE]: 1 },
    indicators: { ips: [HOSTILE], cidrs: [], asns: [64496], payment_fingerprints: ['fp_SECRETfingerprint'], email_domains: [HOSTILE], system_prompt_hashes: ['abc'], template_fingerprints: [] },
    summary: HOSTILE,
    evidence: [{ signal: HOSTILE, detail: HOSTILE }],
    ...over,
  };
}

function data(): ReportData {
  const c = campaign();
  return {
    generatedAt: '2026-06-06T00:00:00.000Z',
    store: { path: '/tmp/<x>.duckdb', interactions: 5, accounts: 2, first: c.first_seen, last: c.last_seen },
    verdicts: { distillation: 1, suspicious: 0, benign: 1 },
    headline: headline([c], { path: '', interactions: 0, accounts: 0, first: null, last: null }),
    options: DEFAULT_REPORT_OPTIONS,
    campaigns: [
      {
        campaign: c,
        days: [
          { day: '2026-04-22', n: 3 },
          { day: '2026-04-23', n: 0 },
          { day: '2026-04-24', n: 7 },
        ],
        dayTotal: 10,
        verdicts: { distillation: 1, suspicious: 0, benign: 0 },
        mixed: 0,
        signals: [{ id: 'text.template', weight: 3, accounts: 1, detail: HOSTILE, meta: undefined }],
        examples: [examplePrompt(`${HOSTILE} write to ceo@corp.example, key sk-ant-abcdefghijklmnop, card 4111 1111 1111 1111, https://corp.example/secret?q=1`)],
        systemPrompts: [{ hash: 'abc', excerpt: HOSTILE, chars: 99 }],
        partner: { accounts: 1, details: [HOSTILE] },
        attribution: { campaign_id: c.campaign_id, actor: HOSTILE, actor_types: ['competitor'], description: null, set_at: 0 },
      },
    ],
  };
}

test('headline: exact counts, span and the top capabilities, in plain words', () => {
  const c1 = campaign({ interactions: 1000, accounts: 10, capabilities: { coding: 1 } });
  const c2 = campaign({ interactions: 3000, accounts: 30, first_seen: '2026-04-01T00:00:00.000Z', capabilities: { reasoning_math: 0.9, coding: 0.1 } });
  assert.equal(headline([c1, c2], { path: '', interactions: 0, accounts: 0, first: null, last: null }), '4,000 interactions through 40 accounts between 1 Apr 2026 and 5 Jun 2026, targeting reasoning and math and coding, in 2 campaigns.');
  assert.match(headline([], { path: '', interactions: 12345, accounts: 67, first: '2026-01-01T00:00:00Z', last: '2026-01-31T00:00:00Z' }), /^No distillation campaign was found in 12,345 interactions of 67 accounts between 1 Jan 2026 and 31 Jan 2026\.$/);
});

test('html: every log-derived text is escaped; no script, no external resource, CSP forbids loading any', () => {
  const html = renderHtml(data());
  assert.doesNotMatch(html, /<script|<img|<a href="javascript|<b>x<\/b>/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'no external resource');
  assert.equal((html.match(/<svg /g) ?? []).length, 2, 'timeline and capability charts, inline');
  assert.match(html, /28,800,123/);
  assert.doesNotMatch(html, /fp_SECRETfingerprint/, 'payment fingerprints are shortened when redacting');
});

test('markdown: prompts in fences they cannot close, other text escaped; charts as separate SVG files', () => {
  const { markdown, charts } = renderMarkdown(data());
  // Outside code (fenced blocks and code spans, where CommonMark shows text literally) nothing may be markup or a link.
  const prose = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '');
  assert.doesNotMatch(prose, /<script|<img|<a |(?<!\\)\]\(http/);
  assert.match(markdown, /````text\n<script>alert\(1\)<\/script><img src=x onerror=alert\(2\)> ``` \[click\]/, 'a prompt with a fence inside stays in a longer fence');
  assert.equal(charts.size, 2);
  for (const svg of charts.values()) assert.doesNotMatch(svg, /<script|<b>x/);
  const fenced = mdFence('a ```` b');
  assert.ok(fenced.startsWith('`````text\n') && fenced.endsWith('\n`````'));
  assert.equal(mdEscape('# title'), '\\# title');
  assert.equal(mdEscape('1. x'), '1\\. x');
  assert.equal(mdEscape('[a](b) *c* <d> e|f'), '\\[a\\](b) \\*c\\* &lt;d&gt; e\\|f');
  assert.match(markdown, /\| Interactions \(estimated distillation calls\) \| 28,800,123 \|/);
});

test('redaction: e-mails, keys, long digit runs and URLs; truncation; can be turned off', () => {
  const s = 'mail bob.smith+x@corp.example, key sk-ant-api03-AbCdEf123456, Bearer abc.def-123456789, card 4111-1111-1111-1111, phone 0049 30 1234567, see https://intra.corp.example/a?b=1 and www.corp.example/x, AKIAIOSFODNN7EXAMPLE; year 2026 and 12345 stay';
  const r = redactText(s);
  for (const gone of ['bob.smith', 'sk-ant', 'abc.def', '4111', '1234567', 'intra.corp', 'www.corp', 'AKIAIOSFODNN7']) assert.ok(!r.includes(gone), `${gone} redacted: ${r}`);
  assert.match(r, /year 2026 and 12345 stay/);
  assert.match(r, /\[email\].*\[key\].*\[number\].*\[url\]/);
  assert.equal(examplePrompt('x'.repeat(500), { maxChars: 10, redact: true }), 'xxxxxxxxxx …');
  assert.equal(examplePrompt('a@b.example', { maxChars: 100, redact: false }), 'a@b.example');
});

test('charts: escaped labels, empty data handled', () => {
  assert.match(timelineSvg([], '<t>'), /no calls recorded/);
  assert.doesNotMatch(timelineSvg([], '<t>'), /<t>/);
  const b = barsSvg([{ label: '<x>', value: 0.5 }], 'caps');
  assert.match(b, /&lt;x&gt;/);
  assert.match(b, /50\.0%/);
});
