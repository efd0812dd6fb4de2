/**
 * Streaming pass over the interactions file (gzip or plain JSON Lines with at least id, ts, account_id).
 * It can hold tens of millions of lines, so nothing is kept per record: only counters and first
 * timestamps for the accounts of true campaigns. Lines of other accounts are recognised with a regular
 * expression and skipped unparsed, so only the lines that count are validated.
 */
import { UserError } from '../cli/errors.js';
import type { AccountLabel } from '../model/labels.js';
import { parseTimestamp } from '../model/interaction.js';
import { forEachLine, parseJsonLine } from './read.js';
import type { AccountServed, InteractionSummary } from './types.js';

export interface ServedPlan {
  /** Accounts to count (those of true campaigns); every other line is checked and skipped. */
  accounts: ReadonlySet<string>;
  /** Epoch ms of each account's first block; an interaction counts as served when ts < this. */
  blockAt: ReadonlyMap<string, number>;
  /** Distillation interaction ids of mixed proxy accounts (from labels' distillation_ids). */
  distillationIds: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The plan for the accounts of true campaigns in `labels`, given their first block times. */
export function servedPlan(labels: readonly AccountLabel[], blockAt: ReadonlyMap<string, number>): ServedPlan {
  const accounts = new Set<string>();
  const distillationIds = new Map<string, ReadonlySet<string>>();
  for (const l of labels) {
    if (l.campaign_id === null) continue;
    accounts.add(l.account_id);
    if (l.role === 'proxy_mixed' && l.distillation_ids) distillationIds.set(l.account_id, new Set(l.distillation_ids));
  }
  return { accounts, blockAt, distillationIds };
}

/** An id or account id as the ingest accepts it: a non-empty string or a finite number. */
function idOf(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

const KEY = /"account_id"\s*:/g;
const KEY_VALUE = /"account_id"\s*:\s*(?:"([^"\\]*)"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))/g;

/**
 * A fast look at a line without parsing it: the values of every `"account_id":` key in it (the top-level
 * one is among them; escaped occurrences inside strings never match). Null when some occurrence has a
 * value this cannot read (escapes, null, ...), or there is none: then the line must be parsed.
 */
export function accountIdsAtAGlance(text: string): string[] | null {
  const keys = text.match(KEY)?.length ?? 0;
  if (keys === 0) return null;
  const ids: string[] = [];
  for (const m of text.matchAll(KEY_VALUE)) ids.push(m[1] ?? String(Number(m[2])));
  return ids.length === keys ? ids : null;
}

/**
 * Count, per planned account, interactions and those served before its first block. */
export async function summarizeInteractions(path: string, plan: ServedPlan): Promise<InteractionSummary> {
  const out: InteractionSummary = new Map();
  await forEachLine(path, (line) => {
    if (line.text.trim() === '') return;
    // Most lines belong to other accounts: skip them without the cost of JSON.parse (and unvalidated).
    const glance = accountIdsAtAGlance(line.text);
    if (glance !== null && !glance.some((a) => plan.accounts.has(a))) return;
    const rec = parseJsonLine(path, line);
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new UserError(`${path}:${line.no}: expected a JSON object`);
    }
    const r = rec as Record<string, unknown>;
    const account = idOf(r.account_id);
    if (account === null) throw new UserError(`${path}:${line.no}: account_id: missing or not a string`);
    if (!plan.accounts.has(account)) return;
    const id = idOf(r.id);
    if (id === null) throw new UserError(`${path}:${line.no}: id: missing or not a string`);
    const ts = parseTimestamp(r.ts);
    if (ts === null) throw new UserError(`${path}:${line.no}: ts: not an ISO-8601 time or epoch seconds/milliseconds`);

    let s = out.get(account);
    if (!s) {
      const ids = plan.distillationIds.get(account);
      s = { total: 0, first_ts: null, first_distillation_ts: null, served_before_block: 0, distillation_served_before_block: ids ? 0 : null };
      out.set(account, s);
    }
    addInteraction(s, id, ts, plan.blockAt.get(account), plan.distillationIds.get(account));
  });
  return out;
}

/** Add one interaction of an account to its counters. */
export function addInteraction(
  s: AccountServed,
  id: string,
  ts: number,
  blockAt: number | undefined,
  distillationIds: ReadonlySet<string> | undefined,
): void {
  s.total++;
  s.first_ts = s.first_ts === null ? ts : Math.min(s.first_ts, ts);
  const distill = distillationIds?.has(id) ?? false;
  if (distill) s.first_distillation_ts = s.first_distillation_ts === null ? ts : Math.min(s.first_distillation_ts, ts);
  if (blockAt === undefined || ts < blockAt) {
    s.served_before_block++;
    if (distill && s.distillation_served_before_block !== null) s.distillation_served_before_block++;
  }
}
