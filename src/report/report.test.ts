/**
 * The report of a seed-2026 run, end to end through the CLI: `analyze` writes report.md and report.html whose counts
 * match campaigns.json exactly; report.html renders in headless Chromium with every network request blocked (a
 * screenshot is kept under out/test-artifacts/), with its headline and SVG charts; `report` regenerates it, as PDF too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { simulate } from '../simulate/index.js';
import { CampaignResultsSchema } from '../model/results.js';
import { repoRoot, scratch } from '../testutil/fixtures.js';
import { chromiumPath, launchChromium } from './browser.js';

const bin = join(repoRoot(), 'dist', 'src', 'cli', 'bin.js');
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DISTILLGUARD_DEBUG: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ARTIFACTS = join(repoRoot(), 'out', 'test-artifacts');
const noChromium = existsSync(chromiumPath()) ? false : `Chromium is not installed at ${chromiumPath()}`;

test('report of a seed-2026 run', async (t) => {
  const { dir, cleanup } = scratch('dg-report-');
  try {
    const sim = join(dir, 'sim');
    await simulate({ preset: 'seed-2026', scale: 0.001, seed: 2026, outDir: sim, workers: 1 });
    const db = join(dir, 'db.duckdb');
    const out = join(dir, 'out');
    const r = cli(['analyze', join(sim, 'interactions.jsonl.gz'), '--accounts', join(sim, 'accounts.jsonl'), '--db', db, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /report: .*report\.md, .*report\.html/);
    const campaigns = CampaignResultsSchema.parse(JSON.parse(readFileSync(join(out, 'campaigns.json'), 'utf8')));
    assert.ok(campaigns.length >= 1, 'the campaign is found');
    const total = campaigns.reduce((s, c) => s + c.interactions, 0);
    const accounts = campaigns.reduce((s, c) => s + c.accounts, 0);

    await t.test('report.md and report.html state the counts of campaigns.json exactly; `report` regenerates them', () => {
      const md = readFileSync(join(out, 'report.md'), 'utf8');
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      const head = new RegExp(`^${int(total)} interactions through ${int(accounts)} accounts between \\d+ \\w{3} \\d{4} and \\d+ \\w{3} \\d{4}, targeting [^<*]+\\.$`);
      const mdHead = /^\*\*(.+)\*\*$/m.exec(md)?.[1];
      assert.match(mdHead ?? '', head);
      const htmlHead = /<p class="headline" id="headline">([^<]*)<\/p>/.exec(html)?.[1];
      assert.match(htmlHead ?? '', head);
      for (const c of campaigns) {
        assert.ok(md.includes(`| Accounts | ${int(c.accounts)} |`), `${c.campaign_id} accounts in report.md`);
        assert.ok(md.includes(`| Interactions (estimated distillation calls) | ${int(c.interactions)} |`), `${c.campaign_id} interactions in report.md`);
        assert.ok(md.includes(`| First seen | ${c.first_seen} `) && md.includes(`| Last seen | ${c.last_seen} `));
        const section = html.slice(html.indexOf(`data-campaign="${c.campaign_id}"`));
        assert.match(section, new RegExp(`data-field="accounts">${int(c.accounts)}<`));
        assert.match(section, new RegExp(`data-field="interactions">${int(c.interactions)}<`));
        for (const f of [`charts/${c.campaign_id}-timeline.svg`, `charts/${c.campaign_id}-capabilities.svg`]) {
          assert.ok(md.includes(`](${f})`), f);
          assert.match(readFileSync(join(out, f), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<rect /);
        }
      }
      for (const part of ['### Strongest signals', '*Why it indicates distillation:*', '*Known false positives:*', '### Example prompts', '### Confidence', '### How to verify', '## Methodology', '`intel.partner_match`'])
        assert.ok(md.includes(part), `report.md has ${part}`);
      const again = join(dir, 'again');
      assert.equal(cli(['report', '--db', db, '--out', again, '--format', 'md']).code, 0);
      assert.equal(/^\*\*(.+)\*\*$/m.exec(readFileSync(join(again, 'report.md'), 'utf8'))?.[1], mdHead);
      assert.equal(cli(['report', '--db', db, '--out', again, '--format', 'docx']).code, 3);
      const none = cli(['report', '--db', join(dir, 'missing.duckdb'), '--out', again]);
      assert.equal(none.code, 1);
      assert.doesNotMatch(none.err, /at .*\.js:\d+/);
    });

    await t.test('report.html in headless Chromium with the network blocked: headline, charts, screenshot; and PDF', { skip: noChromium }, async () => {
      const browser = await launchChromium();
      try {
        const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 1400 } });
        const page = await context.newPage();
        const requested: string[] = [];
        await page.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith('file:')) return route.continue();
          requested.push(url);
          return route.abort();
        });
        await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
        mkdirSync(ARTIFACTS, { recursive: true });
        const shot = join(ARTIFACTS, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        assert.ok(statSync(shot).size > 10_000, 'a screenshot with content');
        const headline = (await page.locator('#headline').textContent()) ?? '';
        assert.match(headline, new RegExp(`^${int(total)} interactions through ${int(accounts)} accounts`));
        assert.ok(await page.locator('#headline').isVisible());
        assert.equal(await page.locator('svg.chart.timeline').count(), campaigns.length);
        assert.equal(await page.locator('svg.chart.bars').count(), campaigns.length);
        const box = await page.locator('svg.chart.timeline').first().boundingBox();
        assert.ok(box && box.width > 300 && box.height > 100, 'the timeline is laid out');
        assert.ok((await page.locator('svg.chart.timeline rect').count()) > 5, 'the timeline has bars');
        assert.ok((await page.locator('svg.chart.bars rect').count()) >= 2, 'the capability chart has bars');
        assert.deepEqual(requested, [], 'the report requests nothing beyond its own file');
      } finally {
        await browser.close();
      }
      assert.equal(cli(['report', '--db', db, '--out', out, '--format', 'pdf']).code, 0);
      const pdf = readFileSync(join(out, 'report.pdf'));
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.ok(pdf.length > 20_000);
    });
  } finally {
    cleanup();
  }
});
