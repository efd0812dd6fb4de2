// The accounts table: sortable columns, filters and paging, all done by the server in SQL.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AccountsPage } from '../../../src/server/schemas';
import { useApi } from '../api';
import { day, int, pct, score } from '../format';
import { accountHref, Link } from '../router';
import { Async, DecisionBadge, Pager, VerdictBadge } from './common';

const COLUMNS: Array<[key: string, label: string, sortable: boolean, num: boolean]> = [
  ['account_id', 'account', true, false],
  ['verdict', 'verdict', true, false],
  ['score', 'score', true, true],
  ['interactions', 'interactions', true, true],
  ['distillation_share', 'distillation share', true, true],
  ['first_seen', 'first seen', true, false],
  ['last_seen', 'last seen', true, false],
  ['tier', 'tier', false, false],
  ['country', 'country', false, false],
  ['review', 'review', false, false],
];

export function AccountsTable(props: { base: string }): JSX.Element {
  const [sort, setSort] = useState('score');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(25);
  const [q, setQ] = useState('');
  const [qLive, setQLive] = useState('');
  const [verdict, setVerdict] = useState('');
  const [minScore, setMinScore] = useState('');
  const [review, setReview] = useState('any');
  useEffect(() => {
    const t = setTimeout(() => setQ(qLive), 250);
    return () => clearTimeout(t);
  }, [qLive]);
  useEffect(() => setOffset(0), [q, verdict, minScore, review, limit, sort, dir]);
  const params = new URLSearchParams({ sort, dir, offset: String(offset), limit: String(limit), review });
  if (q) params.set('q', q);
  if (verdict) params.set('verdict', verdict);
  if (minScore) params.set('min_score', minScore);
  const state = useApi<AccountsPage>(`${props.base}?${params}`);
  const clickSort = (key: string) => {
    if (key === sort) setDir(dir === 'asc' ? 'desc' : 'asc');
    else {
      setSort(key);
      setDir(key === 'account_id' ? 'asc' : 'desc');
    }
  };
  return (
    <div class="accounts-table">
      <div class="filters">
        <input type="search" placeholder="account id contains…" aria-label="Filter by account id" value={qLive} onInput={(e) => setQLive((e.target as HTMLInputElement).value)} />
        <select aria-label="Verdict" value={verdict} onChange={(e) => setVerdict((e.target as HTMLSelectElement).value)}>
          <option value="">any verdict</option>
          <option value="distillation">distillation</option>
          <option value="suspicious">suspicious</option>
          <option value="benign">benign</option>
        </select>
        <select aria-label="Minimum score" value={minScore} onChange={(e) => setMinScore((e.target as HTMLSelectElement).value)}>
          <option value="">any score</option>
          <option value="0.5">score ≥ 0.5</option>
          <option value="0.9">score ≥ 0.9</option>
          <option value="0.99">score ≥ 0.99</option>
        </select>
        <select aria-label="Review status" value={review} onChange={(e) => setReview((e.target as HTMLSelectElement).value)}>
          <option value="any">any review status</option>
          <option value="undecided">undecided</option>
          <option value="confirm_distillation">confirmed</option>
          <option value="false_positive">false positive</option>
          <option value="needs_evidence">needs evidence</option>
        </select>
        <select aria-label="Rows per page" value={String(limit)} onChange={(e) => setLimit(Number((e.target as HTMLSelectElement).value))}>
          {[25, 50, 100, 250].map((n) => (
            <option key={n} value={String(n)}>
              {n} per page
            </option>
          ))}
        </select>
      </div>
      <Async state={state}>
        {(page) => (
          <>
            <table class="table" data-testid="accounts-table">
              <thead>
                <tr>
                  {COLUMNS.map(([key, label, sortable, num]) => (
                    <th key={key} class={num ? 'num' : ''} aria-sort={sort === key ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {sortable ? (
                        <button type="button" class="sort" onClick={() => clickSort(key)}>
                          {label}
                          {sort === key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <tr key={r.account_id}>
                    <td>
                      <Link href={accountHref(r.account_id)}>{r.account_id}</Link>
                    </td>
                    <td>
                      <VerdictBadge verdict={r.verdict} />
                    </td>
                    <td class="num">{score(r.score)}</td>
                    <td class="num">{int(r.interactions)}</td>
                    <td class="num">{pct(r.distillation_share, 0)}</td>
                    <td>{day(r.first_seen)}</td>
                    <td>{day(r.last_seen)}</td>
                    <td>{r.tier ?? '–'}</td>
                    <td>{r.country ?? '–'}</td>
                    <td>{r.review ? <DecisionBadge decision={r.review} /> : <span class="muted">–</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
          </>
        )}
      </Async>
    </div>
  );
}
