// The audit log (every decision, list and policy change, prompt reveal) and the labels export for training.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AuditEntry } from '../../../src/server/schemas';
import { useApi } from '../api';
import { Async, Pager, Section } from '../components/common';
import { time } from '../format';
import { accountHref, campaignHref, Link } from '../router';

interface Audit {
  total: number;
  rows: AuditEntry[];
  chain: { ok: boolean; entries: number; broken_at: number | null };
}

function Subject(props: { kind: string | null; id: string | null }): JSX.Element {
  if (!props.id) return <span class="muted">–</span>;
  if (props.kind === 'account') return <Link href={accountHref(props.id)}>{`account ${props.id}`}</Link>;
  if (props.kind === 'campaign') return <Link href={campaignHref(props.id)}>{`campaign ${props.id}`}</Link>;
  return <span>{`${props.kind ?? ''} ${props.id}`}</span>;
}

function Detail(props: { detail: Record<string, unknown> }): JSX.Element {
  const { note, ...rest } = props.detail;
  const parts = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return (
    <>
      {typeof note === 'string' && note !== '' && <div class="note">“{note}”</div>}
      <div class="muted small">{parts.join(' · ')}</div>
    </>
  );
}

export function AuditPage(): JSX.Element {
  const [offset, setOffset] = useState(0);
  const state = useApi<Audit>(`/api/audit?offset=${offset}&limit=50`);
  const labels = useApi<string>('/api/labels');
  const lines = labels.data ? labels.data.split('\n').filter(Boolean) : [];
  const pos = lines.filter((l) => l.includes('"label":"distillation"')).length;
  return (
    <>
      <h1>Audit log</h1>
      <Section title="Labels for training">
        <p data-testid="labels-summary">
          {labels.data === null ? 'Loading…' : `${lines.length} labelled accounts from decisions: ${pos} distillation, ${lines.length - pos} benign.`}{' '}
          <a href="/api/labels" download="labels.jsonl">
            Download labels.jsonl
          </a>
        </p>
        <p class="muted">
          Train on them with <code>distillguard train --db STORE --labels labels.jsonl --out models/model.json</code> (or, with the dashboard stopped,{' '}
          <code>distillguard labels export --db STORE --out labels.jsonl</code>).
        </p>
      </Section>
      <Section title="Entries">
        <Async state={state}>
          {(a) => (
            <>
              <p data-testid="audit-chain" class={a.chain.ok ? 'ok' : 'error'}>
                {a.chain.ok ? `Hash chain intact over ${a.chain.entries} entries.` : `Hash chain broken at entry ${a.chain.broken_at}: the log was altered.`}
              </p>
              <table class="table" data-testid="audit-table">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>time</th>
                    <th>who</th>
                    <th>action</th>
                    <th>subject</th>
                    <th>detail</th>
                  </tr>
                </thead>
                <tbody>
                  {a.rows.map((r) => (
                    <tr key={r.seq}>
                      <td>{r.seq}</td>
                      <td>{time(r.ts)}</td>
                      <td>{r.actor}</td>
                      <td>
                        <code>{r.action}</code>
                        {typeof r.detail.decision === 'string' ? ` ${r.detail.decision}` : ''}
                      </td>
                      <td>
                        <Subject kind={r.subject_kind} id={r.subject_id} />
                      </td>
                      <td>
                        <Detail detail={r.detail} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager offset={offset} limit={50} total={a.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Section>
    </>
  );
}
