/** Reads an accounts file (JSONL, plain or gzip) into the store's accounts table; later records win. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { AccountInputSchema, toAccount } from '../model/account.js';
import type { Store } from '../store/store.js';
import type { RejectRecord } from './chunk.js';
import { excerpt, parseLines } from './chunk.js';
import { readLineChunks } from './lines.js';
import { issuesReason } from './normalize.js';
import type { AccountsReport } from './pipeline.js';

export async function readAccounts(
  store: Store,
  path: string,
  tmp: string,
  onRejects: (rs: RejectRecord[]) => Promise<void>,
): Promise<AccountsReport> {
  const rep: AccountsReport = { path, read: 0, accepted: 0, rejected: 0 };
  const stage = join(tmp, 'accounts.ndjson');
  const out = createWriteStream(stage);
  let ord = 0;
  for await (const ev of readLineChunks(path)) {
    if (ev.kind === 'warning') continue;
    if (ev.kind === 'reject') {
      rep.read++;
      rep.rejected++;
      await onRejects([{ file: path, line: ev.line, reason: ev.reason, excerpt: ev.excerpt }]);
      continue;
    }
    const rejects: RejectRecord[] = [];
    const rows: string[] = [];
    rep.read += parseLines(ev.buf, ev.startLine, path, rejects, (v, line, text) => {
      const p = AccountInputSchema.safeParse(v);
      if (p.success) rows.push(JSON.stringify({ ...toAccount(p.data), _ord: ord++ }));
      else rejects.push({ file: path, line, reason: `account record: ${issuesReason(p.error.issues, v)}`, excerpt: excerpt(text) });
      return 1;
    });
    rep.accepted += rows.length;
    rep.rejected += rejects.length;
    await onRejects(rejects);
    if (rows.length && !out.write(rows.join('\n') + '\n')) await once(out, 'drain');
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  if (rep.accepted > 0) await store.loadAccounts(stage);
  return rep;
}
