// Small building blocks shared by the pages. All text is rendered as text (JSX escapes it); nothing uses raw HTML.
import type { ComponentChildren, JSX } from 'preact';
import type { Loaded } from '../api';
import { DECISION_TEXT } from '../format';

export function Section(props: { title: string; children: ComponentChildren; id?: string; actions?: ComponentChildren }): JSX.Element {
  return (
    <section class="card" id={props.id}>
      <header class="card-head">
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

export function Stat(props: { label: string; value: ComponentChildren; testid?: string }): JSX.Element {
  return (
    <div class="stat" data-testid={props.testid}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}

export function VerdictBadge(props: { verdict: string | null | undefined }): JSX.Element {
  const v = props.verdict ?? 'unscored';
  return <span class={`badge verdict-${v}`}>{v}</span>;
}

export function DecisionBadge(props: { decision: string | null | undefined }): JSX.Element | null {
  if (!props.decision) return <span class="badge decision-undecided">undecided</span>;
  return <span class={`badge decision-${props.decision}`}>{DECISION_TEXT[props.decision] ?? props.decision}</span>;
}

/** Loading and error states of an API call; renders children with the data once it is there. */
export function Async<T>(props: { state: Loaded<T>; children: (data: T) => ComponentChildren }): JSX.Element {
  const { data, error, loading } = props.state;
  if (error) return <div class="error" role="alert">{error.message}</div>;
  if (data === null) return <div class="loading">{loading ? 'Loading…' : 'No data.'}</div>;
  return <>{props.children(data)}</>;
}

export function Pager(props: { offset: number; limit: number; total: number; onChange: (offset: number) => void }): JSX.Element {
  const { offset, limit, total } = props;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <div class="pager">
      <button type="button" disabled={offset === 0} onClick={() => props.onChange(0)}>
        «
      </button>
      <button type="button" disabled={offset === 0} onClick={() => props.onChange(Math.max(0, offset - limit))}>
        ‹ Previous
      </button>
      <span data-testid="pager-status">
        page {page} of {pages} ({total.toLocaleString('en-US')} rows)
      </span>
      <button type="button" disabled={offset + limit >= total} onClick={() => props.onChange(offset + limit)}>
        Next ›
      </button>
      <button type="button" disabled={offset + limit >= total} onClick={() => props.onChange((pages - 1) * limit)}>
        »
      </button>
    </div>
  );
}

export function SignalHelp(props: { meta: { title: string; rationale: string; falsePositives: string[] } | null }): JSX.Element | null {
  if (!props.meta) return null;
  return (
    <details class="signal-help">
      <summary>{props.meta.title}</summary>
      <p>{props.meta.rationale}</p>
      {props.meta.falsePositives.length > 0 && (
        <>
          <p class="muted">Known false positives:</p>
          <ul>
            {props.meta.falsePositives.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
