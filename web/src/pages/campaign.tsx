// A campaign: headline, review, charts, evidence with signal rationale, indicators, account graph, accounts table.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { CampaignDetail, Graph } from '../../../src/server/schemas';
import { useApi } from '../api';
import { AccountsTable } from '../components/accounts-table';
import { BarList, LineChart } from '../components/charts';
import { Async, DecisionBadge, Section, SignalHelp, Stat } from '../components/common';
import { DecisionForm, DecisionHistory } from '../components/decision';
import { AccountGraph } from '../components/graph';
import { compact, day, DECISION_TEXT, int, score } from '../format';

const INDICATORS: Array<[keyof CampaignDetail['indicators'], string]> = [
  ['ips', 'Shared IP addresses'],
  ['cidrs', 'Shared networks'],
  ['asns', 'ASNs'],
  ['payment_fingerprints', 'Payment fingerprints'],
  ['email_domains', 'E-mail domains'],
  ['system_prompt_hashes', 'System prompt hashes'],
  ['template_fingerprints', 'Prompt wrapper fingerprints'],
];

function IndicatorList(props: { title: string; values: Array<string | number> }): JSX.Element {
  const [all, setAll] = useState(false);
  const shown = all ? props.values : props.values.slice(0, 12);
  return (
    <div class="indicator">
      <h3>
        {props.title} <span class="muted">({props.values.length})</span>
      </h3>
      {props.values.length === 0 ? (
        <p class="muted">none</p>
      ) : (
        <ul class="chips">
          {shown.map((v) => (
            <li key={String(v)}>
              <code>{String(v)}</code>
            </li>
          ))}
          {props.values.length > shown.length && (
            <li>
              <button type="button" class="link" onClick={() => setAll(true)}>
                show all {props.values.length}
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

export function CampaignPage(props: { id: string }): JSX.Element {
  const base = `/api/campaigns/${encodeURIComponent(props.id)}`;
  const state = useApi<CampaignDetail>(base);
  const graph = useApi<Graph>(`${base}/graph`);
  return (
    <Async state={state}>
      {(c) => (
        <>
          <h1 data-testid="campaign-title">
            Campaign {c.campaign_id} <DecisionBadge decision={c.status?.decision} />
          </h1>
          <p class="headline" data-testid="campaign-summary">
            {c.summary}
          </p>
          <p class="exports" data-testid="exports">
            <a href={`${base}/report`} target="_blank" rel="noopener noreferrer">
              Report (HTML)
            </a>
            <a href={`${base}/report?download=1`} download>
              Download report
            </a>
            <a href={`${base}/stix?tlp=amber`} download>
              STIX 2.1 bundle (TLP:AMBER)
            </a>
          </p>
          <div class="stats">
            <Stat label="accounts" value={int(c.accounts)} />
            <Stat label="distillation interactions (est.)" value={compact(c.interactions)} />
            <Stat label="score" value={score(c.score)} />
            <Stat label="active" value={`${day(c.first_seen)} – ${day(c.last_seen)}`} />
            <Stat label="members reviewed" value={int(c.accounts - (c.reviewed.undecided ?? 0))} />
          </div>
          <Section title="Review this campaign">
            <DecisionForm subjectKind="campaign" subjectId={c.campaign_id} onDone={state.reload} />
            <p class="muted">
              Member accounts by review status:{' '}
              {Object.entries(c.reviewed)
                .map(([k, n]) => `${DECISION_TEXT[k] ?? k} ${int(n)}`)
                .join(', ')}
              .
            </p>
            <DecisionHistory history={c.history} />
          </Section>
          <Section title="Timeline: the campaign's interactions per day">
            <LineChart testid="campaign-timeline" labels={c.days.map((d) => d.day)} series={[{ name: 'campaign interactions', cls: 's-flagged', values: c.days.map((d) => d.interactions) }]} />
          </Section>
          <div class="row">
            <Section title="Capabilities targeted">
              <BarList testid="capabilities" bars={Object.entries(c.capabilities).map(([key, share]) => ({ key, share }))} />
            </Section>
            <Section title="Models">
              <BarList testid="models" bars={Object.entries(c.models).map(([key, share]) => ({ key, share }))} />
            </Section>
          </div>
          <Section title="Evidence">
            <ul class="evidence" data-testid="evidence">
              {c.evidence.map((e) => (
                <li key={e.signal}>
                  <div>
                    <code>{e.signal}</code>: {e.detail}
                  </div>
                  <SignalHelp meta={e.meta} />
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Infrastructure and content indicators">
            <div class="indicators">
              {INDICATORS.map(([k, title]) => (
                <IndicatorList key={k} title={title} values={c.indicators[k]} />
              ))}
            </div>
          </Section>
          <Section title="Account graph: the links that tie the accounts together">
            <Async state={graph}>{(g) => <AccountGraph data={g} />}</Async>
          </Section>
          <Section title={`Accounts (${int(c.accounts)})`} id="accounts">
            <AccountsTable base={`${base}/accounts`} />
          </Section>
        </>
      )}
    </Async>
  );
}
