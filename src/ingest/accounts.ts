/** Reads an accounts file (JSONL, plain or gzip) into the store's accounts table; later records win. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { AccountInputSchema, toAccount } from '../model/account.js';
import type { Store } from '../store/store.js';
import type { RejectRecord } from './chunk.js';
import { jsonReason } from './chunk.js';
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
    const lines = ev.buf.toString('utf8').split('\n');
    const bad = isUtf8(ev.buf) ? null : ev.buf;
    for (let k = 0; k < lines.length; k++) {
      const s = lines[k]!;
      if (s.trim() === '') continue;
      const line = ev.startLine + k;
      rep.read++;
      if (bad && s.includes('\uFFFD')) {
        rejects.push({ file: path, line, reason: 'invalid UTF-8 (bytes that are not valid UTF-8 text)', excerpt: s.slice(0, 200) });
        continue;
      }
      let v: unknown;
      try {
        v = JSON.parse(s);
      } catch (err) {
        rejects.push({ file: path, line, reason: jsonReason(s, err), excerpt: s.slice(0, 200) });
        continue;
      }
      const p = AccountInputSchema.safeParse(v);
      if (!p.success) {
        const reason = issuesReason(p.error.issues, v);
        rejects.push({ file: path, line, reason: `account record: ${reason}`, excerpt: s.slice(0, 200) });
        continue;
      }
      rows.push(JSON.stringify({ ...toAccount(p.data), _ord: ord++ }));
    }
    rep.accepted += rows.length;
    rep.rejected += rejects.length;
    await onRejects(rejects);
    if (rows.length && !out.write(rows.join('\n') + '\n')) await once(out, 'drain');
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  if (rep.accepted > 0) await store.loadAccounts(stage);
  return rep;
}
