// Policy: current policy and mode, what each rule would have done over the last window, editing with validation.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Simulation } from '../../../src/server/schemas';
import { ApiError, analystName, send, useApi, type Issue } from '../api';
import { BarList } from '../components/charts';
import { Async, Section } from '../components/common';
import { int, time } from '../format';

interface PolicyView {
  mode: 'shadow' | 'enforce';
  source: 'file' | 'store' | 'default';
  file: string | null;
  version: number;
  policy: unknown;
  versions: { version: number; ts: string; actor: string; note: string }[];
}

function SimulationTable(props: { sim: Simulation; testid?: string }): JSX.Element {
  const s = props.sim;
  return (
    <>
      <p class="muted">
        {s.window.from} to {s.window.to} ({s.window.days} days): {int(s.accounts)} active accounts, {int(s.interactions)} interactions.
      </p>
      <table class="table" data-testid={props.testid}>
        <thead>
          <tr>
            <th>rule</th>
            <th>action</th>
            <th class="num">would decide (accounts)</th>
            <th class="num">their interactions</th>
            <th class="num">condition matches</th>
            <th>by verdict</th>
            <th class="num">confirmed false positives hit</th>
          </tr>
        </thead>
        <tbody>
          {s.rules.map((r) => (
            <tr key={r.rule}>
              <td>
                <code>{r.rule}</code>
              </td>
              <td>
                <span class={`badge action-${r.action}`}>{r.action}</span>
              </td>
              <td class="num">{int(r.decided_accounts)}</td>
              <td class="num">{int(r.decided_interactions)}</td>
              <td class="num">{int(r.matched_accounts)}</td>
              <td>
                {Object.entries(r.by_verdict)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', ') || '–'}
              </td>
              <td class={r.confirmed_benign > 0 && r.action !== 'allow' ? 'num error' : 'num'}>{int(r.confirmed_benign)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <BarList bars={s.actions.map((a) => ({ key: a.key, share: a.share, detail: `${int(a.accounts)} accounts` }))} cls={(k) => `action-${k}`} />
    </>
  );
}

function Editor(props: { view: PolicyView; window: number; onSaved: () => void }): JSX.Element {
  const [text, setText] = useState(() => JSON.stringify(props.view.policy, null, 2));
  const [note, setNote] = useState('');
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [preview, setPreview] = useState<Simulation | null>(null);
  useEffect(() => setText(JSON.stringify(props.view.policy, null, 2)), [props.view.version]);
  const parsed = (): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      setIssues([{ path: '$', message: `not JSON: ${(e as Error).message}` }]);
      return undefined;
    }
  };
  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.issues.length) setIssues(e.issues);
    else setMsg({ ok: false, text: (e as Error).message });
  };
  const validate = async () => {
    setMsg(null);
    setPreview(null);
    const p = parsed();
    if (p === undefined) return;
    try {
      const r = await send<{ valid: boolean; issues: Issue[] }>('POST', '/api/policy/validate', { policy: p });
      setIssues(r.issues);
      if (r.valid) setPreview(await send<Simulation>('POST', '/api/policy/simulation', { policy: p, window_days: props.window }));
    } catch (e) {
      fail(e);
    }
  };
  const save = async () => {
    setMsg(null);
    const p = parsed();
    if (p === undefined) return;
    try {
      const r = await send<{ version: number }>('PUT', '/api/policy', { policy: p, note, analyst: analystName() });
      setIssues([]);
      setPreview(null);
      setMsg({ ok: true, text: `Saved as version ${r.version}.` });
      props.onSaved();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <div class="editor">
      <textarea aria-label="Policy JSON" data-testid="policy-editor" spellcheck={false} rows={22} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <div class="inline-form">
        <input aria-label="Change note" placeholder="what changed and why" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        <button type="button" onClick={validate}>
          Validate and preview
        </button>
        <button type="button" onClick={save}>
          Save
        </button>
      </div>
      {issues !== null &&
        (issues.length === 0 ? (
          <p class="ok">Valid.</p>
        ) : (
          <ul class="error" data-testid="policy-issues">
            {issues.map((i) => (
              <li key={i.path + i.message}>
                <code>{i.path}</code>: {i.message}
              </li>
            ))}
          </ul>
        ))}
      {msg && <p class={msg.ok ? 'ok' : 'error'}>{msg.text}</p>}
      {preview && (
        <>
          <h3>Preview: what this draft would have done</h3>
          <SimulationTable sim={preview} testid="policy-preview" />
        </>
      )}
    </div>
  );
}

export function PolicyPage(): JSX.Element {
  const state = useApi<PolicyView>('/api/policy');
  const [windowDays, setWindowDays] = useState(7);
  const sim = useApi<Simulation>(state.data ? `/api/policy/simulation?window_days=${windowDays}&v=${state.data.version}` : null);
  return (
    <Async state={state}>
      {(p) => (
        <>
          <h1>
            Policy <span class={`badge mode-${p.mode}`}>{p.mode === 'shadow' ? 'shadow mode: logs, enforces nothing' : 'enforcing'}</span>
          </h1>
          <p class="muted">
            Version {p.version} · from {p.source === 'file' ? `the file ${p.file}` : p.source === 'store' ? 'the store' : 'the built-in default'}. Deny list first, then allow list,
            then the rules in order (first match wins), then the default.
          </p>
          <Section
            title="What each rule would have done"
            actions={
              <select aria-label="Window" value={String(windowDays)} onChange={(e) => setWindowDays(Number((e.target as HTMLSelectElement).value))}>
                {[1, 7, 30, 90].map((d) => (
                  <option key={d} value={String(d)}>
                    last {d} day{d > 1 ? 's' : ''}
                  </option>
                ))}
              </select>
            }
          >
            <Async state={sim}>{(s) => <SimulationTable sim={s} testid="policy-simulation" />}</Async>
          </Section>
          <Section title="Edit">
            <Editor view={p} window={windowDays} onSaved={state.reload} />
          </Section>
          <Section title="Versions">
            {p.versions.length === 0 ? (
              <p class="muted">Not edited in the dashboard yet.</p>
            ) : (
              <table class="table">
                <thead>
                  <tr>
                    <th>version</th>
                    <th>time</th>
                    <th>who</th>
                    <th>note</th>
                  </tr>
                </thead>
                <tbody>
                  {p.versions.map((v) => (
                    <tr key={v.version}>
                      <td>{v.version}</td>
                      <td>{time(v.ts)}</td>
                      <td>{v.actor}</td>
                      <td>{v.note}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </>
      )}
    </Async>
  );
}
