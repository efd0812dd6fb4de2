/** Wording shared by the Markdown and HTML renderings: confidence, verification steps, methodology. */
import type { CampaignSection } from './data.js';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** Confidence in plain words, with what it rests on. */
export function confidenceText(s: CampaignSection): string {
  const c = s.campaign;
  const level = c.score >= 0.9 ? 'High' : c.score >= 0.7 ? 'Moderate' : 'Low';
  const parts = [
    `${level} (mean account score ${c.score.toFixed(2)}).`,
    `${s.verdicts.distillation ?? 0} of its ${c.accounts} accounts are judged distillation by the model on their own evidence and that of their linked group.`,
  ];
  if (s.mixed) parts.push(`${s.mixed} accounts mix campaign calls with other traffic (resold or proxied access); only their share that carries the campaign's wrappers is counted, so the interaction figure is an estimate.`);
  if (s.partner.accounts) parts.push(`${s.partner.accounts} accounts also match indicators shared by partner providers.`);
  return parts.join(' ');
}

export interface VerifyStep {
  text: string;
  /** SQL to run against the store (any DuckDB client), or null. */
  sql: string | null;
}

/** How an analyst can check the finding in the store before acting on it. */
export function verifySteps(s: CampaignSection): VerifyStep[] {
  const id = s.campaign.campaign_id.replace(/'/g, "''");
  const members = `SELECT account_id FROM campaign_members WHERE campaign_id = '${id}'`;
  const steps: VerifyStep[] = [
    { text: 'Confirm the accounts share prompt wrappers: the same wrapper fingerprints should appear across many of the accounts, with different tasks inside.', sql: `SELECT template, count(DISTINCT account_id) AS accounts, count(*) AS calls FROM interactions WHERE account_id IN (${members}) AND template IS NOT NULL GROUP BY 1 ORDER BY accounts DESC LIMIT 10;` },
    { text: 'Read a sample of their prompts and judge them yourself: harvesting looks like uniform task banks with instructions to write out reasoning.', sql: `SELECT ts, account_id, left(prompt, 300) FROM interactions WHERE account_id IN (${members}) ORDER BY hash(id) LIMIT 25;` },
    { text: 'Check the shared infrastructure and payment: addresses, networks and payment fingerprints used by several of the accounts.', sql: `SELECT payment_fingerprint, email_domain, tier, count(*) AS accounts FROM accounts WHERE account_id IN (${members}) GROUP BY ALL ORDER BY accounts DESC LIMIT 10;` },
    { text: "Read each account's reasons in accounts.jsonl (or the account_results table): every verdict names its signals and the account's own values.", sql: `SELECT account_id, verdict, score, reasons FROM account_results WHERE campaign_id = '${id}' ORDER BY score LIMIT 10;` },
    { text: 'Rule out the legitimate look-alikes listed under each signal (coding agents, enterprise NATs, classes, evaluation runs): look for one verified organisation, ordinary hours and conversations, and established accounts.', sql: null },
  ];
  return steps;
}

export const METHOD_TEXT = [
  'distillguard reads the provider\'s API logs into a local store and computes, per account, features of usage, content and account metadata; it links accounts that share prompt wrappers on the same days, rare IP addresses, payment methods and sign-up bursts, and finds communities in that graph (Louvain).',
  'A two-stage logistic model scores each account on its own evidence, then with that of its linked group; its weights and thresholds are fitted on labelled data for a stated budget of false positives among legitimate accounts, and every verdict lists its strongest contributions, each naming a signal below.',
  'Flagged accounts of one community, or of communities sharing wrappers, form a campaign. Its interaction count adds, per account, its calls times the share that is distillation: all of a pure account\'s calls, the wrapper-matched share of an account that mixes campaign traffic with other traffic. The timeline counts the calls attributed to the campaign per day (UTC).',
  'Indicators imported from partner providers (STIX 2.1) add to a matching account\'s score only next to a strong match (payment, wrapper, system prompt or sign-up burst), and the reason names the partner.',
];

export { pct };
