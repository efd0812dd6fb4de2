/** `distillguard report`: regenerate the campaign report (Markdown, HTML, PDF) from a store that `analyze` wrote. */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_DB, Store } from '../../store/store.js';
import { REPORT_FORMATS, writeReport, type ReportFormat } from '../../report/index.js';
import type { ReportOptions } from '../../report/data.js';
import { NoResultsError } from '../../report/load.js';
import { BrowserUnavailable } from '../../report/browser.js';
import { EXIT, UserError } from '../errors.js';
import { openStore } from '../store.js';

export interface ReportCliOptions {
  db: string;
  out: string;
  format: string;
  examples: string;
  exampleChars: string;
  redact: boolean;
}

function whole(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new UserError(`${flag}: expected a whole number ≥ ${min}, got "${v}"`, EXIT.USAGE);
  return n;
}

/** Formats from "md", "html,pdf", ... */
export function reportFormats(s: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const raw of s.split(',')) {
    const f = raw.trim().toLowerCase();
    if (!f) continue;
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UserError(`--format: unknown format "${raw}" (choose from ${REPORT_FORMATS.join(', ')})`, EXIT.USAGE);
    if (!out.includes(f as ReportFormat)) out.push(f as ReportFormat);
  }
  if (!out.length) throw new UserError('--format: give at least one of md, html, pdf', EXIT.USAGE);
  return out;
}

/** Report options from the shared flags (also used by `analyze`). */
export function reportOptions(o: { examples: string; exampleChars: string; redact: boolean }): ReportOptions {
  return { examples: whole('--examples', o.examples, 0), prompt: { maxChars: whole('--example-chars', o.exampleChars, 20), redact: o.redact } };
}

/** Run writeReport with errors turned into one-line user messages. */
export async function writeReportCli(store: Store, out: string, formats: ReportFormat[], o: ReportOptions): Promise<string[]> {
  try {
    return await writeReport(store, out, formats, o);
  } catch (e) {
    if (e instanceof NoResultsError || e instanceof BrowserUnavailable) throw new UserError(e.message);
    throw e;
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write the campaign report (headline, per-campaign sections with charts, signals, examples, methodology) from the results `analyze` kept in the store.')
    .option('--db <file>', 'DuckDB store file analysed by `distillguard analyze`', DEFAULT_DB)
    .option('--out <dir>', 'folder to write report.md (and charts/), report.html or report.pdf into', 'out/analysis')
    .option('--format <list>', 'md, html or pdf, or a comma-separated list (pdf prints the HTML with headless Chromium)', 'md,html')
    .option('--examples <n>', 'example prompts per campaign (0 = none)', '3')
    .option('--example-chars <n>', 'characters kept of each example prompt', '300')
    .option('--no-redact', 'show example prompts and payment fingerprints without redacting e-mail addresses, keys, long numbers and URLs')
    .addHelpText('after', '\nThe HTML is self-contained (inline SVG charts, no script, no external resource). PDF needs Chromium at /usr/bin/chromium (or DISTILLGUARD_CHROMIUM). See docs/reports.md.')
    .action(async (o: ReportCliOptions) => {
      const formats = reportFormats(o.format);
      const opts = reportOptions(o);
      const store = await openStore(o.db, { readOnly: true });
      try {
        for (const f of await writeReportCli(store, resolve(o.out), formats, opts)) process.stdout.write(`wrote ${f}\n`);
      } finally {
        store.close();
      }
    });
}
