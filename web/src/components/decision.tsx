// Review decisions: a form (confirm distillation, false positive, needs more evidence, with a note) and the history.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DecisionRecord } from '../../../src/server/schemas';
import { analystName, send } from '../api';
import { DECISION_TEXT, time } from '../format';
import { DecisionBadge } from './common';

const CHOICES = [
  ['confirm_distillation', 'Confirm distillation'],
  ['false_positive', 'False positive'],
  ['needs_evidence', 'Needs more evidence'],
] as const;

export function DecisionForm(props: { subjectKind: 'account' | 'campaign'; subjectId: string; onDone: () => void; compact?: boolean }): JSX.Element {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const decide = async (decision: string) => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await send<{ decision: DecisionRecord; audit_seq: number }>('POST', '/api/decisions', {
        subject_kind: props.subjectKind,
        subject_id: props.subjectId,
        decision,
        note,
        analyst: analystName(),
      });
      setMsg({ ok: true, text: `Recorded: ${DECISION_TEXT[decision]} (${r.decision.accounts} account${r.decision.accounts === 1 ? '' : 's'} labelled, audit #${r.audit_seq}).` });
      setNote('');
      props.onDone();
    } catch (e) {
      setMsg({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class={props.compact ? 'decision compact' : 'decision'} data-testid="decision-form" onSubmit={(e) => e.preventDefault()}>
      <textarea
        aria-label="Note"
        placeholder={props.subjectKind === 'campaign' ? 'Note (applies to every member account)' : 'Note'}
        value={note}
        maxLength={4000}
        rows={props.compact ? 1 : 2}
        onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
      />
      <div class="buttons">
        {CHOICES.map(([k, label]) => (
          <button key={k} type="button" class={`btn-${k}`} disabled={busy} onClick={() => decide(k)}>
            {label}
          </button>
        ))}
      </div>
      {msg && (
        <p class={msg.ok ? 'ok' : 'error'} role="status">
          {msg.text}
        </p>
      )}
    </form>
  );
}

export function DecisionHistory(props: { history: DecisionRecord[] }): JSX.Element {
  if (!props.history.length) return <p class="muted">No decisions yet.</p>;
  return (
    <table class="table" data-testid="decision-history">
      <thead>
        <tr>
          <th>#</th>
          <th>time</th>
          <th>analyst</th>
          <th>on</th>
          <th>decision</th>
          <th>note</th>
        </tr>
      </thead>
      <tbody>
        {props.history.map((d) => (
          <tr key={d.decision_id}>
            <td>{d.decision_id}</td>
            <td>{time(d.ts)}</td>
            <td>{d.analyst}</td>
            <td>
              {d.subject_kind} {d.subject_id}
            </td>
            <td>
              <DecisionBadge decision={d.decision} />
            </td>
            <td class="note">{d.note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
