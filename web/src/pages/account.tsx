// An account: verdict, score and reasons, profile, activity, sample prompts (redacted unless revealed), links, review.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AccountDetail } from '../../../src/server/schemas';
import { analystName, send, useApi } from '../api';
import { LineChart } from '../components/charts';
import { Async, DecisionBadge, Section, SignalHelp, Stat, VerdictBadge } from '../components/common';
import { DecisionForm, DecisionHistory } from '../components/decision';
import { day, int, pct, score, time } from '../format';
import { accountHref, campaignHref, Link } from '../router';

type Prompts = AccountDetail['prompts'];

function PromptSamples(props: { id: string; initial: Prompts }): JSX.Element {
  const [prompts, setPrompts] = useState<Prompts>(props.initial);
  const [err, setErr] = useState<string | null>(null);
  const reveal = async () => {
    try {
      setPrompts(await send<Prompts>('POST', `/api/accounts/${encodeURIComponent(props.id)}/prompts/reveal`, { analyst: analystName() }));
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <div data-testid="prompts">
      <p class="muted">
        {prompts.redacted ? 'Redacted: e-mail addresses, URLs, IP addresses, numbers and key-like strings are masked. ' : 'Shown unredacted (recorded in the audit log). '}
        {prompts.redacted && prompts.items.length > 0 && (
          <button type="button" class="link" onClick={reveal}>
            Show unredacted (audited)
          </button>
        )}
      </p>
      {err && <p class="error">{err}</p>}
      {prompts.items.length === 0 && <p class="muted">No prompt text stored for this account (ingested with --no-prompts, or none).</p>}
      {prompts.items.map((p) => (
        <figure class="prompt-sample" key={p.id}>
          <figcaption class="muted">
            {time(p.ts)} · {p.model ?? 'model ?'} · {p.capability ?? 'capability ?'} · {p.prompt_chars === null ? '' : `${int(p.prompt_chars)} chars`}
          </figcaption>
          <pre class="prompt">{p.prompt ?? ''}</pre>
        </figure>
      ))}
    </div>
  );
}

function ListButtons(props: { id: string; lists: AccountDetail['lists']; onDone: () => void }): JSX.Element {
  const [err, setErr] = useState<string | null>(null);
  const change = async (list: 'allow' | 'deny', on: boolean) => {
    try {
      await send(on ? 'DELETE' : 'POST', '/api/lists', { list, kind: 'accounts', value: props.id, analyst: analystName() });
      props.onDone();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <div class="list-buttons">
      <button type="button" onClick={() => change('allow', props.lists.allow)}>
        {props.lists.allow ? 'Remove from allow list' : 'Add to allow list'}
      </button>
      <button type="button" onClick={() => change('deny', props.lists.deny)}>
        {props.lists.deny ? 'Remove from deny list' : 'Add to deny list'}
      </button>
      {err && <span class="error">{err}</span>}
    </div>
  );
}

export function AccountPage(props: { id: string }): JSX.Element {
  const state = useApi<AccountDetail>(`/api/accounts/${encodeURIComponent(props.id)}`);
  return (
    <Async state={state}>
      {(a) => (
        <>
          <h1 data-testid="account-title">
            Account {a.account_id} <VerdictBadge verdict={a.result?.verdict} /> <DecisionBadge decision={a.review?.decision} />
          </h1>
          <div class="stats">
            <Stat label="score" value={score(a.result?.score)} testid="account-score" />
            <Stat label="campaign" value={a.result?.campaign_id ? <Link href={campaignHref(a.result.campaign_id)}>{a.result.campaign_id}</Link> : 'none'} />
            <Stat label="interactions" value={int(a.result?.interactions ?? a.days.reduce((s, d) => s + d.interactions, 0))} />
            <Stat label="distillation share (est.)" value={a.result ? pct(a.result.distillation_share, 0) : '–'} />
            <Stat label="active" value={`${day(a.result?.first_seen ?? a.days[0]?.day)} – ${day(a.result?.last_seen ?? a.days[a.days.length - 1]?.day)}`} />
          </div>
          <Section title="Profile">
            <dl class="facts">
              <dt>tier</dt>
              <dd>{a.profile.tier ?? '–'}</dd>
              <dt>verified</dt>
              <dd>{a.profile.verified === null ? '–' : a.profile.verified ? 'yes' : 'no'}</dd>
              <dt>e-mail domain</dt>
              <dd>{a.profile.email_domain ?? '–'}</dd>
              <dt>country</dt>
              <dd>{a.profile.country ?? '–'}</dd>
              <dt>organisation</dt>
              <dd>{a.profile.org_id ?? '–'}</dd>
              <dt>created</dt>
              <dd>{time(a.profile.created_at)}</dd>
              <dt>IP addresses</dt>
              <dd>
                {int(a.profile.ips)} (most used: {a.profile.top_ip ?? '–'})
              </dd>
            </dl>
          </Section>
          <Section title="Review">
            <DecisionForm subjectKind="account" subjectId={a.account_id} onDone={state.reload} />
            <ListButtons id={a.account_id} lists={a.lists} onDone={state.reload} />
            <DecisionHistory history={a.history} />
          </Section>
          <Section title="Why: reasons behind the score">
            {a.reasons.length === 0 ? (
              <p class="muted">No reasons recorded.</p>
            ) : (
              <table class="table" data-testid="reasons">
                <thead>
                  <tr>
                    <th>signal</th>
                    <th class="num">contribution</th>
                    <th>detail</th>
                  </tr>
                </thead>
                <tbody>
                  {a.reasons.map((r, i) => (
                    <tr key={i}>
                      <td>
                        <code>{r.signal}</code>
                        <SignalHelp meta={r.meta} />
                      </td>
                      <td class="num">{r.contribution.toFixed(2)}</td>
                      <td>{r.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Activity per day">
            <LineChart testid="account-activity" labels={a.days.map((d) => d.day)} series={[{ name: 'interactions', cls: 's-total', values: a.days.map((d) => d.interactions) }]} height={160} />
          </Section>
          <Section title="Sample prompts">
            <PromptSamples key={a.account_id} id={a.account_id} initial={a.prompts} />
          </Section>
          <Section title={`Linked accounts (${a.links.length})`}>
            {a.links.length === 0 ? (
              <p class="muted">No links to other accounts.</p>
            ) : (
              <table class="table" data-testid="links">
                <thead>
                  <tr>
                    <th>account</th>
                    <th>why linked</th>
                    <th class="num">weight</th>
                    <th>verdict</th>
                    <th>campaign</th>
                  </tr>
                </thead>
                <tbody>
                  {a.links.map((l) => (
                    <tr key={l.account_id}>
                      <td>
                        <Link href={accountHref(l.account_id)}>{l.account_id}</Link>
                      </td>
                      <td>
                        {l.kinds.map((k) => (
                          <span key={k.kind} class={`badge kind-${k.kind}`} title={`${k.keys} shared key(s), weight ${k.weight.toFixed(2)}`}>
                            {k.why}
                          </span>
                        ))}
                      </td>
                      <td class="num">{l.weight.toFixed(2)}</td>
                      <td>
                        <VerdictBadge verdict={l.verdict} />
                      </td>
                      <td>{l.campaign_id ? <Link href={campaignHref(l.campaign_id)}>{l.campaign_id}</Link> : '–'}</td>
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
