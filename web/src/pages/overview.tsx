// Overview: traffic and flagged volume per day, campaigns ranked, traffic per verdict and per action.
import type { JSX } from 'preact';
import type { Overview } from '../../../src/server/schemas';
import { useApi } from '../api';
import { BarList, LineChart } from '../components/charts';
import { Async, DecisionBadge, Section, Stat } from '../components/common';
import { compact, day, int, score } from '../format';
import { campaignHref, Link } from '../router';

export function OverviewPage(): JSX.Element {
  const state = useApi<Overview>('/api/overview');
  return (
    <Async state={state}>
      {(o) => (
        <>
          <h1>Overview</h1>
          {!o.analysed && <p class="error">The store holds no analysis yet: run distillguard analyze on it, then restart the dashboard.</p>}
          <div class="stats">
            <Stat label="interactions" value={compact(o.totals.interactions)} testid="stat-interactions" />
            <Stat label="accounts" value={int(o.totals.accounts)} />
            <Stat label="flagged (distillation)" value={int(o.totals.flagged_accounts)} testid="stat-flagged" />
            <Stat label="suspicious" value={int(o.totals.suspicious_accounts)} />
            <Stat label="campaigns" value={int(o.totals.campaigns)} />
            <Stat label="awaiting review" value={<Link href="/review">{int(o.totals.pending_review)}</Link>} />
          </div>
          <Section title={`Traffic per day, ${o.totals.first_day ?? '–'} to ${o.totals.last_day ?? '–'}`}>
            <LineChart
              testid="traffic-chart"
              labels={o.days.map((d) => d.day)}
              series={[
                { name: 'all interactions', cls: 's-total', values: o.days.map((d) => d.total) },
                { name: 'accounts flagged distillation', cls: 's-flagged', values: o.days.map((d) => d.distillation) },
                { name: 'suspicious accounts', cls: 's-suspicious', values: o.days.map((d) => d.suspicious) },
              ]}
            />
          </Section>
          <Section title="Campaigns, by size and score">
            {o.campaigns.length === 0 ? (
              <p class="muted">No campaign found.</p>
            ) : (
              <table class="table" data-testid="campaigns-table">
                <thead>
                  <tr>
                    <th>campaign</th>
                    <th class="num">accounts</th>
                    <th class="num">interactions</th>
                    <th class="num">score</th>
                    <th>targets</th>
                    <th>model</th>
                    <th>active</th>
                    <th>review</th>
                  </tr>
                </thead>
                <tbody>
                  {o.campaigns.map((c) => (
                    <tr key={c.campaign_id}>
                      <td>
                        <Link href={campaignHref(c.campaign_id)}>{c.campaign_id}</Link>
                      </td>
                      <td class="num">{int(c.accounts)}</td>
                      <td class="num">{compact(c.interactions)}</td>
                      <td class="num">{score(c.score)}</td>
                      <td>{c.top_capability ?? '–'}</td>
                      <td>{c.top_model ?? '–'}</td>
                      <td>
                        {day(c.first_seen)} – {day(c.last_seen)}
                      </td>
                      <td>
                        <DecisionBadge decision={c.status?.decision} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          <div class="row">
            <Section title="Traffic per verdict">
              <BarList testid="verdict-share" bars={o.verdict_share.map((v) => ({ key: v.key, share: v.share, detail: `${int(v.accounts)} accounts` }))} cls={(k) => `verdict-${k}`} />
            </Section>
            <Section title={`Traffic per action (policy v${o.policy.version}, ${o.policy.mode} mode)`}>
              <BarList testid="action-share" bars={o.action_share.map((v) => ({ key: v.key, share: v.share, detail: `${int(v.accounts)} accounts` }))} cls={(k) => `action-${k}`} />
              {o.policy.mode === 'shadow' && <p class="muted">Shadow mode: the gateway logs these actions and enforces none.</p>}
            </Section>
          </div>
        </>
      )}
    </Async>
  );
}
