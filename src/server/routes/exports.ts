/**
 * Exports of a campaign, through the report and STIX modules (src/report, src/stix): the HTML campaign report, and
 * a STIX 2.1 bundle of its indicators for other providers. They take seconds on a large store, so they run on a
 * connection of their own and the pages stay answered meanwhile.
 */
import { z } from 'zod';
import { gatherReport, renderHtml } from '../../report/index.js';
import { loadCampaigns } from '../../report/load.js';
import { loadAttributions } from '../../stix/attribution.js';
import { collectIntel } from '../../stix/collect.js';
import { buildBundle } from '../../stix/export.js';
import { TLP_LEVELS } from '../../stix/tlp.js';
import type { ServerContext } from '../context.js';
import { HttpError, type Api } from '../route.js';

const IdParams = z.object({ id: z.string().min(1).max(256) });

/** The report is a self-contained page with its own inline styles: shown sandboxed, with no script at all. */
export const REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const fileName = (id: string, ext: string) => `${id.replace(/[^\w.-]+/g, '_')}.${ext}`;

export function exportRoutes(api: Api, ctx: ServerContext): void {
  const db = ctx.db;
  const known = async (id: string) => {
    if (!ctx.shape.campaigns) throw new HttpError(404, 'the store holds no campaigns (run distillguard analyze)');
    if (!(await db.one(`SELECT 1 AS x FROM campaigns WHERE campaign_id = $1`, [id]))) throw new HttpError(404, `no campaign ${id}`);
  };

  api.add(
    {
      method: 'get',
      path: '/api/campaigns/:id/report',
      tag: 'exports',
      summary: "The campaign's report (HTML, from src/report): summary, timeline, capabilities, signals, redacted examples",
      params: IdParams,
      query: z.object({ download: z.enum(['0', '1']).default('0') }),
      response: z.string().describe('an HTML document'),
      mediaType: 'text/html',
    },
    async ({ params, query, c }) => {
      await known(params.id);
      const data = await db.withSideStore((store) => gatherReport(store));
      const html = renderHtml({ ...data, campaigns: data.campaigns.filter((s) => s.campaign.campaign_id === params.id) });
      return c.body(html, 200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': REPORT_CSP,
        ...(query.download === '1' ? { 'Content-Disposition': `attachment; filename="${fileName(params.id, 'report.html')}"` } : {}),
      });
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/campaigns/:id/stix',
      tag: 'exports',
      summary: "The campaign as a STIX 2.1 bundle (from src/stix) for other providers; customer-identifying indicators are left out (no community key here)",
      params: IdParams,
      query: z.object({ tlp: z.enum(TLP_LEVELS).default('amber'), provider: z.string().trim().min(1).max(200).default('LLM API provider') }),
      response: z.object({ type: z.literal('bundle'), id: z.string(), objects: z.array(z.record(z.string(), z.unknown())) }),
    },
    async ({ params, query, c }) => {
      await known(params.id);
      const bundle = await db.withSideStore(async (store) => {
        const campaigns = (await loadCampaigns(store)).filter((x) => x.campaign_id === params.id);
        const intel = await collectIntel(store, campaigns);
        return buildBundle(intel, { provider: query.provider, tlp: query.tlp, key: null, attribution: await loadAttributions(store) }).bundle;
      });
      return c.body(JSON.stringify(bundle, null, 2) + '\n', 200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="${fileName(params.id, 'stix.json')}"`,
      });
    },
  );
}
