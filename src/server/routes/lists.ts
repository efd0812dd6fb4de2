/** Allow and deny lists: the current policy's `allow` and `deny` (each change is a new policy version, audited). */
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import type { Api } from '../route.js';
import { ListChangeSchema, ListsSchema } from '../schemas.js';

const ChangeResult = z.object({ version: z.number().int(), audit_seq: z.number().int(), lists: ListsSchema });

export function listRoutes(api: Api, ctx: ServerContext): void {
  api.add({ method: 'get', path: '/api/lists', tag: 'policy', summary: 'The allow and deny lists of the current policy', response: ListsSchema }, async () => ctx.policy.lists());

  for (const [method, op] of [
    ['post', 'add'],
    ['delete', 'remove'],
  ] as const) {
    api.add(
      {
        method,
        path: '/api/lists',
        tag: 'policy',
        summary: `${op === 'add' ? 'Add an entry to' : 'Remove an entry from'} the allow or deny list (a new policy version)`,
        body: ListChangeSchema,
        response: ChangeResult,
      },
      async ({ body }) => {
        const r = await ctx.policy.changeList(op, body.list, body.kind, body.value, body.analyst, body.note);
        ctx.window.invalidate();
        return { ...r, lists: ctx.policy.lists() };
      },
    );
  }
}
