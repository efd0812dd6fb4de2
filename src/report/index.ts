/**
 * Campaign reports: `analyze` writes report.md (with its charts in charts/) and report.html after every analysis, and
 * `distillguard report` regenerates them, or a PDF, from the store.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Store } from '../store/store.js';
import { gatherReport, type ReportOptions, DEFAULT_REPORT_OPTIONS, type ReportData } from './data.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-md.js';
import { htmlToPdf } from './browser.js';

export const REPORT_FORMATS = ['md', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_FILES: Record<ReportFormat, string> = { md: 'report.md', html: 'report.html', pdf: 'report.pdf' };

export { gatherReport, renderHtml, renderMarkdown, DEFAULT_REPORT_OPTIONS, type ReportData, type ReportOptions };

/** Write the report in the given formats to `outDir`; returns the files written. */
export async function writeReport(store: Store, outDir: string, formats: readonly ReportFormat[] = ['md', 'html'], o: ReportOptions = DEFAULT_REPORT_OPTIONS): Promise<string[]> {
  const data = await gatherReport(store, o);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  if (formats.includes('md')) {
    const { markdown, charts } = renderMarkdown(data);
    for (const [rel, svg] of charts) {
      const p = join(outDir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, svg);
    }
    writeFileSync(join(outDir, REPORT_FILES.md), markdown);
    written.push(join(outDir, REPORT_FILES.md));
  }
  if (formats.includes('html') || formats.includes('pdf')) {
    const html = renderHtml(data);
    let htmlPath = join(outDir, REPORT_FILES.html);
    let tmp: string | null = null;
    if (formats.includes('html')) {
      writeFileSync(htmlPath, html);
      written.push(htmlPath);
    } else {
      tmp = mkdtempSync(join(tmpdir(), 'dg-report-'));
      htmlPath = join(tmp, REPORT_FILES.html);
      writeFileSync(htmlPath, html);
    }
    try {
      if (formats.includes('pdf')) {
        await htmlToPdf(pathToFileURL(htmlPath).href, join(outDir, REPORT_FILES.pdf));
        written.push(join(outDir, REPORT_FILES.pdf));
      }
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }
  return written;
}
