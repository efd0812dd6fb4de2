/**
 * End to end with a real browser (Debian's chromium through playwright-core, headless): a small seed-2026 is
 * simulated, ingested with a few records of hostile prompt text, and analysed; the dashboard is served on a free
 * port; the test opens the overview, a campaign, an account, makes review decisions, sees them in the audit log
 * and in the labels, and trains a model on those labels with `distillguard train --db --labels`. Screenshots are
 * saved under out/test-artifacts/. Skipped (with the reason) when chromium or the built web app is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { simulate } from '../simulate/index.js';
import { ingest } from '../ingest/pipeline.js';
import { analyzeStore, loadModel, writeResults } from '../detect/analyze.js';
import { Store } from '../store/store.js';
import { main } from '../cli/main.js';
import { readLabels } from '../cli/commands/analyze.js';
import { repoRoot } from '../util/paths.js';
import { scratch } from '../testutil/fixtures.js';
import { startServer } from './serve.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB = join(repoRoot(), 'web', 'dist', 'index.html');
const ARTIFACTS = join(repoRoot(), 'out', 'test-artifacts');
const HOSTILE_ACCOUNT = 'acct_hostile_0001';
const HOSTILE_PROMPTS = ['<img src=x onerror=alert(1)>', '<script>window.__pwned = 1</script> summarise this', '"><svg onload=alert(3)>'];
const HOSTILE_NOTE = '<b>not bold</b><img src=x onerror=alert(2)>';

const skip = !existsSync(CHROMIUM) ? `no chromium at ${CHROMIUM}` : !existsSync(WEB) ? 'the web app is not built (npm run build)' : false;

/** Runs the CLI in-process; returns its exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const orig = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((s: string | Uint8Array) => {
    out += String(s);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await main(['node', 'distillguard', ...args]), out };
  } finally {
    process.stdout.write = orig;
  }
}

/** The page's document, typed for the few calls made here (this file is compiled without the DOM library). */
interface El {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
/** Functions given to waitForFunction run in the browser: they reach the document through the global object. */
type Win = { document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> } };

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

test('dashboard end to end: overview, campaign, account, decision, audit log, labels that train reads', { skip, timeout: 300_000 }, async () => {
  const { dir, cleanup } = scratch('dg-e2e-');
  mkdirSync(ARTIFACTS, { recursive: true });
  try {
    const sim = join(dir, 'sim');
    await simulate({ preset: 'seed-2026', scale: 0.001, seed: 7, outDir: sim });
    const hostile = join(dir, 'hostile.jsonl');
    const t0 = Date.parse('2026-05-10T12:00:00Z');
    writeFileSync(
      hostile,
      HOSTILE_PROMPTS.map((p, i) => JSON.stringify({ id: `hostile-${i}`, ts: t0 + i * 60_000, account_id: HOSTILE_ACCOUNT, model: 'claude-sonnet-4-6', prompt: p, completion: 'ok' })).join('\n') + '\n',
    );
    const db = join(dir, 'store.duckdb');
    const store = await Store.open(db);
    await ingest(store, { files: [join(sim, 'interactions.jsonl.gz'), hostile], accounts: [join(sim, 'accounts.jsonl')], tmpDir: dir });
    const res = await analyzeStore(store, loadModel());
    await writeResults(store, res, join(dir, 'out'));
    store.close();
    const campaign = res.campaigns[0];
    assert.ok(campaign, 'the analysis found a campaign');

    const server = await startServer({ db, port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    const dialogs: string[] = [];
    const cspErrors: string[] = [];
    let labelsFromApi = '';
    let member = '';
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
      page.on('pageerror', (e) => cspErrors.push(`page error: ${e.message}`));

      // Overview.
      await page.goto(server.url);
      const row = page.getByTestId('campaigns-table').locator('tbody tr').first();
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(campaign.campaign_id));
      assert.equal(await page.getByTestId('stat-flagged').locator('.stat-value').innerText(), String(res.accounts.filter((a) => a.verdict === 'distillation').length));
      await page.getByTestId('traffic-chart').locator('polyline').first().waitFor();
      await shot(page, '1-overview');

      // The review queue holds the campaign; it leads to the campaign page.
      await page.getByRole('link', { name: 'Review' }).click();
      const item = page.getByTestId('review-queue').locator('li').filter({ hasText: campaign.campaign_id });
      await item.waitFor();
      assert.match(await item.innerText(), /campaign awaiting review/);
      await shot(page, '2-review-queue');

      // Campaign: headline, charts, evidence, graph, accounts table (sort, page).
      await item.getByRole('link', { name: `campaign ${campaign.campaign_id}` }).click();
      await page.getByTestId('campaign-title').waitFor();
      assert.equal(await page.getByTestId('campaign-summary').innerText(), campaign.summary);
      const table = page.getByTestId('accounts-table');
      await table.locator('tbody tr').first().waitFor();
      assert.match(await page.getByTestId('pager-status').innerText(), new RegExp(`\\(${campaign.accounts} rows\\)`));
      await table.getByRole('button', { name: /^interactions/ }).click();
      await page.waitForFunction(() => (globalThis as unknown as Win).document.querySelector('[data-testid="accounts-table"] th[aria-sort] button')?.textContent?.startsWith('interactions'));
      await table.getByRole('button', { name: /^interactions/ }).click();
      await page.waitForFunction(() => (globalThis as unknown as Win).document.querySelector('[data-testid="accounts-table"] th[aria-sort]')?.getAttribute('aria-sort') === 'ascending');
      await page.waitForFunction(() => {
        const cells = Array.from((globalThis as unknown as Win).document.querySelectorAll('[data-testid="accounts-table"] tbody tr td:nth-child(4)')).map((td) => Number((td.textContent ?? '').replace(/,/g, '')));
        return cells.length > 1 && cells.every((v, i) => i === 0 || cells[i - 1]! <= v);
      });
      await page.getByTestId('capabilities').locator('li').first().waitFor();
      assert.ok((await page.getByTestId('evidence').locator('li').count()) >= 3);
      assert.ok((await page.getByTestId('evidence').locator('details.signal-help').count()) >= 1, 'evidence carries signal rationale');
      await page.getByTestId('account-graph').locator('canvas').first().waitFor();
      // Export buttons: the report (HTML, sandboxed) and the STIX bundle, from src/report and src/stix.
      const exportLinks = page.getByTestId('exports').locator('a');
      assert.equal(await exportLinks.count(), 3);
      for (let i = 0; i < 3; i++) {
        const href = (await exportLinks.nth(i).getAttribute('href'))!;
        const r = await page.request.get(new URL(href, server.url).href);
        assert.equal(r.status(), 200, href);
      }
      await page.getByTestId('decision-form').getByPlaceholder(/every member/).fill('wrappers and IP pools match the campaign');
      await page.getByTestId('decision-form').getByRole('button', { name: 'Confirm distillation' }).click();
      await page.getByTestId('decision-form').getByRole('status').filter({ hasText: 'Recorded' }).waitFor();
      await page.waitForTimeout(500);
      await shot(page, '3-campaign');

      // Account: score, reasons, links; a decision of its own.
      const first = table.locator('tbody tr').first().getByRole('link');
      member = await first.innerText();
      await first.click();
      await page.getByTestId('account-title').filter({ hasText: member }).waitFor();
      const score = Number(await page.getByTestId('account-score').locator('.stat-value').innerText());
      assert.equal(score.toFixed(3), res.accounts.find((a) => a.account_id === member)!.score.toFixed(3));
      assert.ok((await page.getByTestId('reasons').locator('tbody tr').count()) >= 2);
      await page.getByTestId('decision-form').getByRole('textbox').fill('confirmed: same wrapper as the campaign');
      await page.getByTestId('decision-form').getByRole('button', { name: 'Confirm distillation' }).click();
      await page.getByTestId('decision-history').getByText('confirmed: same wrapper as the campaign').waitFor();
      await shot(page, '4-account');

      // The hostile prompts are shown as text, and nothing in them runs.
      await page.goto(`${server.url}accounts/${HOSTILE_ACCOUNT}`);
      const prompts = page.getByTestId('prompts');
      await prompts.locator('pre.prompt').first().waitFor();
      const texts = await prompts.locator('pre.prompt').allInnerTexts();
      for (const p of HOSTILE_PROMPTS) assert.ok(texts.includes(p), `"${p}" shown as text (got ${JSON.stringify(texts)})`);
      assert.equal(await prompts.locator('img, script, svg').count(), 0, 'no element was made from prompt text');
      await page.getByTestId('decision-form').getByRole('textbox').fill(HOSTILE_NOTE);
      await page.getByTestId('decision-form').getByRole('button', { name: 'False positive' }).click();
      await page.getByTestId('decision-history').getByText(HOSTILE_NOTE, { exact: true }).waitFor();
      assert.equal(await page.getByTestId('decision-history').locator('img, b').count(), 0);
      await shot(page, '5-hostile-prompt');

      // Audit log and labels.
      await page.getByRole('link', { name: 'Audit log' }).click();
      const audit = page.getByTestId('audit-table');
      await audit.locator('tbody tr').nth(2).waitFor();
      const auditText = await audit.innerText();
      assert.match(auditText, new RegExp(`account ${member}`));
      assert.match(auditText, new RegExp(`campaign ${campaign.campaign_id}`));
      assert.ok(auditText.includes(HOSTILE_NOTE), 'the hostile note is in the audit log, as text');
      assert.equal(await audit.locator('img, b').count(), 0);
      assert.match(await page.getByTestId('audit-chain').innerText(), /Hash chain intact over 3 entries/);
      await page.getByTestId('labels-summary').filter({ hasText: 'labelled' }).waitFor();
      assert.match(await page.getByTestId('labels-summary').innerText(), new RegExp(`^${campaign.accounts + 1} labelled accounts from decisions: ${campaign.accounts} distillation, 1 benign`));
      await shot(page, '6-audit');
      const labels = await page.request.get(`${server.url}api/labels`);
      labelsFromApi = await labels.text();

      // The decided campaign left the queue; an allow-list entry is a new policy version.
      await page.getByRole('link', { name: 'Review' }).click();
      await page.getByTestId('list-form').waitFor();
      assert.equal(await page.getByTestId('review-queue').locator('li').filter({ hasText: campaign.campaign_id }).count(), 0);
      await page.getByTestId('list-form').getByLabel('List', { exact: true }).selectOption('allow');
      await page.getByTestId('list-form').getByLabel('Value').fill(HOSTILE_ACCOUNT);
      await page.getByTestId('list-form').getByLabel('List note').fill('cleared by review');
      await page.getByTestId('list-form').getByRole('button', { name: 'Add' }).click();
      await page.getByTestId('allow-list').getByText(HOSTILE_ACCOUNT).waitFor();
      await page.getByRole('link', { name: 'Policy' }).click();
      await page.getByTestId('policy-simulation').locator('tbody tr').first().waitFor();
      // The allow-listed account was active on one day in May: the 90-day window sees it decided by the list.
      await page.getByLabel('Window').selectOption('90');
      const allowRow = page.getByTestId('policy-simulation').locator('tbody tr').filter({ has: page.locator('code', { hasText: /^allow-list$/ }) });
      await allowRow.locator('td').nth(2).filter({ hasText: /^1$/ }).waitFor();
      await shot(page, '7-policy');

      assert.deepEqual(dialogs, [], 'no script from user text ran');
      assert.equal(await page.evaluate(() => typeof (globalThis as unknown as { __pwned?: unknown }).__pwned), 'undefined');
      assert.deepEqual(cspErrors, [], 'no content-security-policy violation, no page error');
    } finally {
      await browser.close();
      await server.close();
    }

    // The labels: the same from the API and from `distillguard labels export`, and `train` reads them.
    const exported = join(dir, 'labels.jsonl');
    const ex = await cli(['labels', 'export', '--db', db, '--out', exported]);
    assert.equal(ex.code, 0);
    assert.equal(readFileSync(exported, 'utf8'), labelsFromApi);
    const labels = readLabels(exported);
    assert.equal(labels.size, campaign.accounts + 1);
    assert.equal(labels.get(member), true);
    assert.equal(labels.get(HOSTILE_ACCOUNT), false);
    for (const a of campaign.account_ids) assert.equal(labels.get(a), true);
    const model = join(dir, 'model.json');
    const tr = await cli(['train', '--db', db, '--labels', exported, '--out', model]);
    assert.equal(tr.code, 0, tr.out);
    assert.match(tr.out, new RegExp(`${campaign.accounts + 1} labelled accounts \\(${campaign.accounts} campaign members\\)`));
    const m = JSON.parse(readFileSync(model, 'utf8')) as { training: { accounts: number; positives: number } };
    assert.deepEqual([m.training.accounts, m.training.positives], [campaign.accounts + 1, campaign.accounts]);
  } finally {
    cleanup();
  }
});
