// Review: the queue of items awaiting a decision, and the allow and deny lists.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Queue } from '../../../src/server/schemas';
import { analystName, send, useApi } from '../api';
import { Async, Pager, Section, VerdictBadge } from '../components/common';
import { DecisionForm } from '../components/decision';
import { compact, int, score } from '../format';
import { accountHref, campaignHref, Link } from '../router';

const KINDS = [
  ['all', 'everything'],
  ['campaign', 'campaigns'],
  ['suspicious', 'suspicious accounts'],
  ['lone_distillation', 'flagged outside campaigns'],
  ['needs_evidence', 'needs more evidence'],
] as const;

const WHY: Record<string, string> = {
  campaign: 'campaign awaiting review',
  suspicious: 'suspicious account',
  lone_distillation: 'flagged, in no campaign',
  needs_evidence: 'needs more evidence',
};

type ListKind = 'accounts' | 'orgs' | 'keys' | 'ips';
type Lists = Record<'allow' | 'deny', Record<ListKind, string[]>>;

function ListsEditor(): JSX.Element {
  const state = useApi<Lists>('/api/lists');
  const [list, setList] = useState<'allow' | 'deny'>('deny');
  const [kind, setKind] = useState<ListKind>('accounts');
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const [err, setErr] = useState<{ text: string; issues: { path: string; message: string }[] } | null>(null);
  const change = async (method: 'POST' | 'DELETE', body: { list: string; kind: string; value: string; note?: string }) => {
    setErr(null);
    try {
      await send(method, '/api/lists', { ...body, analyst: analystName() });
      setValue('');
      setNote('');
      state.reload();
    } catch (e) {
      const x = e as Error & { issues?: { path: string; message: string }[] };
      setErr({ text: x.message, issues: x.issues ?? [] });
    }
  };
  return (
    <>
      <form
        class="inline-form"
        data-testid="list-form"
        onSubmit={(e) => {
          e.preventDefault();
          void change('POST', { list, kind, value, note });
        }}
      >
        <select aria-label="List" value={list} onChange={(e) => setList((e.target as HTMLSelectElement).value as 'allow' | 'deny')}>
          <option value="deny">deny list (block)</option>
          <option value="allow">allow list (never act)</option>
        </select>
        <select aria-label="Kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as ListKind)}>
          <option value="accounts">account</option>
          <option value="orgs">organisation</option>
          <option value="keys">API key id (k_…)</option>
          <option value="ips">IP or CIDR</option>
        </select>
        <input aria-label="Value" placeholder="value" value={value} required onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        <input aria-label="List note" placeholder="note" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        <button type="submit">Add</button>
      </form>
      {err && (
        <div class="error" role="alert">
          {err.text}
          {err.issues.map((i) => (
            <div key={i.path}>
              <code>{i.path}</code>: {i.message}
            </div>
          ))}
        </div>
      )}
      <Async state={state}>
        {(l) => (
          <div class="row">
            {(['deny', 'allow'] as const).map((name) => (
              <div key={name} class="list-box" data-testid={`${name}-list`}>
                <h3>{name === 'deny' ? 'Deny list' : 'Allow list'}</h3>
                {(Object.keys(l[name]) as ListKind[]).every((k) => l[name][k].length === 0) && <p class="muted">empty</p>}
                <ul>
                  {(Object.keys(l[name]) as ListKind[]).flatMap((k) =>
                    l[name][k].map((v) => (
                      <li key={`${k}:${v}`}>
                        <span class="muted">{k.replace(/s$/, '')}</span> <code>{v}</code>{' '}
                        <button type="button" class="link" onClick={() => void change('DELETE', { list: name, kind: k, value: v })}>
                          remove
                        </button>
                      </li>
                    )),
                  )}
                </ul>
              </div>
            ))}
          </div>
        )}
      </Async>
      <p class="muted">The lists are the policy's own allow and deny lists: every change is a new policy version, in the audit log.</p>
    </>
  );
}

export function ReviewPage(): JSX.Element {
  const [kind, setKind] = useState('all');
  const [offset, setOffset] = useState(0);
  const state = useApi<Queue>(`/api/review/queue?kind=${kind}&offset=${offset}&limit=20`);
  return (
    <>
      <h1>Review</h1>
      <Section title="Queue">
        <div class="tabs" role="tablist">
          {KINDS.map(([k, label]) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={kind === k}
              class={kind === k ? 'tab active' : 'tab'}
              onClick={() => {
                setKind(k);
                setOffset(0);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <Async state={state}>
          {(q) => (
            <>
              {q.rows.length === 0 && <p class="muted">Nothing awaits review here.</p>}
              <ul class="queue" data-testid="review-queue">
                {q.rows.map((r) => (
                  <li key={`${r.subject_kind}:${r.subject_id}`} class="queue-item">
                    <div class="queue-head">
                      <Link href={r.subject_kind === 'campaign' ? campaignHref(r.subject_id) : accountHref(r.subject_id)}>
                        {r.subject_kind} {r.subject_id}
                      </Link>{' '}
                      <span class="badge">{WHY[r.why]}</span> {r.verdict && <VerdictBadge verdict={r.verdict} />}
                      <span class="muted">
                        {' '}
                        score {score(r.score)} · {r.subject_kind === 'campaign' ? `${int(r.accounts)} accounts · ` : ''}
                        {compact(r.interactions)} interactions
                        {r.campaign_id && r.subject_kind === 'account' ? ` · campaign ${r.campaign_id}` : ''}
                      </span>
                    </div>
                    {r.top_reason && <div class="muted">{r.top_reason}</div>}
                    <DecisionForm compact subjectKind={r.subject_kind} subjectId={r.subject_id} onDone={state.reload} />
                  </li>
                ))}
              </ul>
              <Pager offset={q.offset} limit={q.limit} total={q.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Section>
      <Section title="Allow and deny lists">
        <ListsEditor />
      </Section>
    </>
  );
}
