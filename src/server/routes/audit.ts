/** The audit log (hash-chained, append-only) and the labels export that `distillguard train --labels` reads. */
import type { ServerContext } from '../context.js';
import { exportLabels, labelsJsonl, readAudit, verifyAudit } from '../review.js';
import type { Api } from '../route.js';
import { AuditQuerySchema, AuditSchema, LabelLineSchema } from '../schemas.js';

export function auditRoutes(api: Api, ctx: ServerContext): void {
  api.add(
    { method: 'get', path: '/api/audit', tag: 'review', summary: 'Audit log, newest first, with a check of its hash chain', query: AuditQuerySchema, response: AuditSchema },
    async ({ query }) => ({ ...(await readAudit(ctx.db, query)), chain: await verifyAudit(ctx.db) }),
  );

  api.add(
    {
      method: 'get',
      path: '/api/labels',
      tag: 'review',
      summary: 'Labels from the current decisions, as JSONL for `distillguard train --db FILE --labels FILE` (one line shown)',
      description: 'confirm_distillation gives label distillation, false_positive gives benign; needs_evidence gives no label.',
      response: LabelLineSchema,
      mediaType: 'application/x-ndjson',
    },
    async ({ c }) => {
      const body = labelsJsonl(await exportLabels(ctx.db));
      return c.body(body, 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': 'attachment; filename="labels.jsonl"' });
    },
  );
}
