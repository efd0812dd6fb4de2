/**
 * The accounts table: filtered, sorted and paged in SQL (LIMIT/OFFSET over account_results joined with the account
 * records and the review status), so a campaign of tens of thousands of accounts costs one query per page.
 */
import type { z } from 'zod';
import type { Db } from './db.js';
import { isoTime, num, strOrNull } from './db.js';
import type { AccountRow, AccountsPage, AccountsQuerySchema } from './schemas.js';

export type AccountsQuery = z.output<typeof AccountsQuerySchema>;

const SORT_SQL: Record<AccountsQuery['sort'], string> = {
  score: 'r.score',
  interactions: 'r.interactions',
  distillation_share: 'r.distillation_share',
  first_seen: 'r.first_seen',
  last_seen: 'r.last_seen',
  account_id: 'r.account_id',
  verdict: "CASE r.verdict WHEN 'distillation' THEN 2 WHEN 'suspicious' THEN 1 ELSE 0 END",
};

/** Rows of account_results for a campaign (or all accounts when campaignId is null). */
export async function accountsPage(db: Db, campaignId: string | null, q: AccountsQuery, hasAccounts: boolean): Promise<AccountsPage> {
  const where: string[] = [];
  const params: string[] = [];
  const bind = (v: string) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (campaignId !== null) where.push(`r.campaign_id::VARCHAR = ${bind(campaignId)}`);
  if (q.q) where.push(`contains(lower(r.account_id), lower(${bind(q.q)}))`);
  if (q.verdict) where.push(`r.verdict = ${bind(q.verdict)}`);
  if (q.min_score !== undefined) where.push(`r.score >= ${Number(q.min_score)}`);
  if (q.review === 'undecided') where.push(`s.decision IS NULL`);
  else if (q.review !== 'any') where.push(`s.decision = ${bind(q.review)}`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const from = `FROM account_results r LEFT JOIN review_status s USING (account_id)`;
  const total = await db.one<{ n: unknown }>(`SELECT count(*) AS n ${from} ${w}`, params);
  const dir = q.dir === 'asc' ? 'ASC' : 'DESC';
  const rows = await db.all<Record<string, unknown>>(
    `SELECT p.*, ${hasAccounts ? 'a.tier, a.verified, a.country, a.email_domain' : 'NULL AS tier, NULL AS verified, NULL AS country, NULL AS email_domain'}
     FROM (SELECT r.account_id, r.score, r.verdict, r.interactions, r.distillation_share, r.first_seen::VARCHAR AS first_seen,
                  r.last_seen::VARCHAR AS last_seen, s.decision, ${SORT_SQL[q.sort]} AS sort_key
           ${from} ${w}
           ORDER BY sort_key ${dir} NULLS LAST, r.account_id ${dir}
           LIMIT ${q.limit} OFFSET ${q.offset}) p
     ${hasAccounts ? 'LEFT JOIN accounts a USING (account_id)' : ''}
     ORDER BY p.sort_key ${dir} NULLS LAST, p.account_id ${dir}`,
    params,
  );
  return {
    total: num(total?.n),
    offset: q.offset,
    limit: q.limit,
    sort: q.sort,
    dir: q.dir,
    rows: rows.map(
      (r): AccountRow => ({
        account_id: String(r.account_id),
        score: num(r.score),
        verdict: r.verdict as AccountRow['verdict'],
        interactions: num(r.interactions),
        distillation_share: num(r.distillation_share),
        first_seen: isoTime(r.first_seen),
        last_seen: isoTime(r.last_seen),
        tier: strOrNull(r.tier),
        verified: r.verified === null || r.verified === undefined ? null : Boolean(r.verified),
        country: strOrNull(r.country),
        email_domain: strOrNull(r.email_domain),
        review: (strOrNull(r.decision) as AccountRow['review']) ?? null,
      }),
    ),
  };
}
