/** Account records for the streaming detector from an accounts file (JSONL, plain or gzip), without a store. */
import { AccountInputSchema, toAccount, type Account } from '../model/account.js';
import type { RejectRecord } from '../ingest/chunk.js';
import { excerpt, parseLines } from '../ingest/chunk.js';
import { readLineChunks } from '../ingest/lines.js';
import { issuesReason } from '../ingest/normalize.js';

export async function readAccountFile(path: string): Promise<{ accounts: Account[]; read: number; rejects: RejectRecord[] }> {
  const accounts: Account[] = [];
  const rejects: RejectRecord[] = [];
  let read = 0;
  for await (const ev of readLineChunks(path)) {
    if (ev.kind === 'warning') continue;
    if (ev.kind === 'reject') {
      read++;
      rejects.push({ file: path, line: ev.line, reason: ev.reason, excerpt: ev.excerpt });
      continue;
    }
    read += parseLines(ev.buf, ev.startLine, path, rejects, (v, line, text) => {
      const p = AccountInputSchema.safeParse(v);
      if (p.success) accounts.push(toAccount(p.data));
      else rejects.push({ file: path, line, reason: `account record: ${issuesReason(p.error.issues, v)}`, excerpt: excerpt(text) });
      return 1;
    });
  }
  return { accounts, read, rejects };
}
