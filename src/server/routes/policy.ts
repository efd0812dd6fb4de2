/** Policy: the current policy and mode, validation, editing, and what each rule would have done over a window. */
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { simulate } from '../policy-sim.js';
import { validatePolicy } from '../policy-state.js';
import { HttpError, type Api } from '../route.js';
import { PolicyUpdateSchema, PolicyValidationSchema, PolicyViewSchema, SimulationQuerySchema, SimulationRequestSchema, SimulationSchema } from '../schemas.js';

export function policyRoutes(api: Api, ctx: ServerContext): void {
  const view = async () => ({
    mode: ctx.policy.policy.mode,
    source: ctx.policy.source,
    file: ctx.policy.file,
    version: ctx.policy.version,
    policy: ctx.policy.input,
    versions: await ctx.policy.versions(),
  });

  api.add({ method: 'get', path: '/api/policy', tag: 'policy', summary: 'The current policy, its mode and its versions', response: PolicyViewSchema }, view);

  api.add(
    {
      method: 'put',
      path: '/api/policy',
      tag: 'policy',
      summary: 'Replace the policy (validated; 422 lists each problem with its JSON path); written to --policy FILE when given',
      body: PolicyUpdateSchema,
      response: PolicyViewSchema.extend({ audit_seq: z.number().int() }),
    },
    async ({ body }) => {
      const r = await ctx.policy.save(body.policy, body.analyst, body.note);
      ctx.window.invalidate();
      return { ...(await view()), audit_seq: r.audit_seq };
    },
  );

  api.add(
    { method: 'post', path: '/api/policy/validate', tag: 'policy', summary: 'Validate a policy without saving it', body: z.object({ policy: z.unknown() }), response: PolicyValidationSchema },
    async ({ body }) => {
      const v = validatePolicy(body.policy);
      return { valid: v.policy !== null, issues: v.issues };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/policy/simulation',
      tag: 'policy',
      summary: 'What each rule of the current policy would have done over the last window (decide() over the latest verdicts)',
      query: SimulationQuerySchema,
      response: SimulationSchema,
    },
    async ({ query }) => simulate(ctx.window, ctx.policy.policy, query.window_days),
  );

  api.add(
    {
      method: 'post',
      path: '/api/policy/simulation',
      tag: 'policy',
      summary: 'What a draft policy would have done over the last window (not saved; 422 when invalid)',
      body: SimulationRequestSchema,
      response: SimulationSchema,
    },
    async ({ body }) => {
      const v = validatePolicy(body.policy);
      if (v.policy === null) throw new HttpError(422, 'invalid policy', v.issues);
      return simulate(ctx.window, v.policy, body.window_days);
    },
  );
}
