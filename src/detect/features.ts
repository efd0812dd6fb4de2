/**
 * Account features, computed in DuckDB from the interactions and accounts tables (and the per-interaction text
 * signal columns written at ingest). Every feature is a property of traffic that a provider has in any log, and
 * most are ratios or rarity-weighted counts, so that they carry over to traffic the simulator never produced.
 *
 * Mergeable by design: every aggregate below is a sum, count, min, max or a per-key set that can be computed per
 * account-hash partition and combined; the cross-account quantities (how many accounts share an IP, a payment
 * fingerprint, a wrapper) are counts over keys, themselves mergeable.
 */
import type { Store } from '../store/store.js';

/** Names of the numeric account features the scoring model reads, in model order. */
export const ACCOUNT_FEATURES = [
  'log_interactions',
  'log_per_active_day',
  'log_peak_hour',
  'single_turn_share',
  'reasoning_share',
  'budget_saturation',
  'max_tokens_saturation',
  'tools_share',
  'cot_share',
  'rubric_share',
  'high_value_share',
  'capability_entropy',
  'top_capability_share',
  'shared_template_share',
  'top_template_share',
  'template_accounts_log',
  'lang_count',
  'hour_entropy',
  'gap_cv',
  'pivot_share',
  'age_days_log',
  'age_unknown',
  'farm_tier',
  'unverified',
  'email_domain_new_share',
  'payment_shared_log',
  'signup_burst_log',
  'ips_per_interaction',
  'ip_shared_share',
  'ip_pool_new_share',
  'asn_count_log',
  'ua_shared_new_share',
  'org_size_log',
] as const;
export type AccountFeatureName = (typeof ACCOUNT_FEATURES)[number];

/** Human descriptions, used in reasons. */
export const FEATURE_TEXT: Record<AccountFeatureName, string> = {
  log_interactions: 'interaction volume',
  log_per_active_day: 'interactions per active day',
  log_peak_hour: 'peak interactions in one hour',
  single_turn_share: 'share of single-turn requests',
  reasoning_share: 'share of requests asking for reasoning/thinking',
  budget_saturation: 'share of requests with a maximal thinking budget or high effort',
  max_tokens_saturation: 'share of requests asking for very long outputs',
  tools_share: 'share of requests with tool definitions',
  cot_share: 'share of prompts eliciting reasoning traces',
  rubric_share: 'share of prompts using the model as a grader',
  high_value_share: 'share of high-value capabilities (coding, agents, reasoning, ...)',
  capability_entropy: 'spread of capabilities',
  top_capability_share: 'concentration on one capability',
  shared_template_share: 'share of prompts whose wrapper is shared with other accounts',
  top_template_share: 'concentration on one prompt wrapper',
  template_accounts_log: 'accounts sharing its main wrapper',
  lang_count: 'languages used',
  hour_entropy: 'spread of activity over the 24 hours',
  gap_cv: 'irregularity of inter-arrival times',
  pivot_share: 'share of traffic moved to a newly released model in its first days',
  age_days_log: 'account age at first use',
  age_unknown: 'account record missing',
  farm_tier: 'free, education, startup or trial tier',
  unverified: 'unverified account',
  email_domain_new_share: 'share of new accounts among those with its e-mail domain',
  payment_shared_log: 'accounts sharing its payment fingerprint',
  signup_burst_log: 'accounts created within the same hour from the same network',
  ips_per_interaction: 'distinct IPs per interaction (rotation)',
  ip_shared_share: 'share of traffic from IPs shared with other accounts',
  ip_pool_new_share: 'share of new accounts among those sharing its IPs',
  asn_count_log: 'distinct networks (ASNs)',
  ua_shared_new_share: 'share of new accounts among those sharing its user agent',
  org_size_log: 'seats in its organisation',
};

/** An account is "new" when its first interaction is within this many days of its creation. */
export const NEW_ACCOUNT_DAYS = 30;

/**
 * Build the table `account_features` (one row per account seen in interactions). Returns the number of accounts.
 * Intermediate tables are temporary.
 */
export async function buildAccountFeatures(store: Store): Promise<number> {
  const run = (sql: string) => store.run(sql);
  // Per-account basics.
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_base AS
    SELECT account_id,
      count(*) AS n,
      min(ts) AS first_ts, max(ts) AS last_ts,
      count(DISTINCT ts // 86400000) AS active_days,
      avg(CASE WHEN turns <= 1 THEN 1 ELSE 0 END) AS single_turn_share,
      avg(CASE WHEN reasoning_requested THEN 1 ELSE 0 END) AS reasoning_share,
      avg(CASE WHEN reasoning_budget >= 16000 OR reasoning_effort IN ('high', 'xhigh', 'max') THEN 1 ELSE 0 END) AS budget_saturation,
      avg(CASE WHEN tools > 0 THEN 1 ELSE 0 END) AS tools_share,
      avg(CASE WHEN cot >= 0.5 THEN 1 ELSE 0 END) AS cot_share,
      avg(CASE WHEN rubric >= 0.5 THEN 1 ELSE 0 END) AS rubric_share,
      count(DISTINCT lang) FILTER (WHERE lang <> 'und') AS lang_count,
      count(DISTINCT ip) AS n_ips,
      count(DISTINCT asn) AS n_asns,
      any_value(org_id) AS org_id
    FROM interactions GROUP BY account_id`);

  // Long outputs relative to what this platform's traffic usually asks for: above the 90th percentile of max_tokens.
  await run(`
    CREATE OR REPLACE TEMP TABLE mt_cut AS SELECT coalesce(quantile_cont(max_tokens, 0.9), 1e12) AS q FROM interactions WHERE max_tokens IS NOT NULL`);
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_mt AS
    SELECT account_id, avg(CASE WHEN max_tokens >= (SELECT q FROM mt_cut) THEN 1 ELSE 0 END) AS max_tokens_saturation
    FROM interactions GROUP BY account_id`);

  // Capabilities: high-value share, entropy and concentration.
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_cap AS
    WITH c AS (SELECT account_id, capability, count(*) AS k FROM interactions GROUP BY ALL),
         t AS (SELECT account_id, sum(k) AS n FROM c GROUP BY account_id)
    SELECT c.account_id,
      sum(CASE WHEN capability IN ('coding','software_engineering','agentic_tool_use','reasoning_math','data_analysis','rubric_grading','vision') THEN k ELSE 0 END) / any_value(t.n) AS high_value_share,
      -sum((k / t.n) * ln(k / t.n)) AS capability_entropy,
      max(k) / any_value(t.n) AS top_capability_share
    FROM c JOIN t USING (account_id) GROUP BY c.account_id`);

  // Wrappers: how many accounts use each template fingerprint.
  await run(`
    CREATE OR REPLACE TEMP TABLE tpl_accounts AS
    SELECT template, count(DISTINCT account_id) AS accounts FROM interactions WHERE template IS NOT NULL GROUP BY template`);
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_tpl AS
    WITH c AS (SELECT account_id, template, count(*) AS k FROM interactions GROUP BY ALL),
         t AS (SELECT account_id, sum(k) AS n FROM c GROUP BY account_id),
         top AS (SELECT account_id, first(template ORDER BY k DESC, template DESC) AS top_template, max(k) AS top_k FROM c WHERE template IS NOT NULL GROUP BY account_id)
    SELECT t.account_id,
      coalesce(sum(CASE WHEN ta.accounts >= 3 THEN c.k ELSE 0 END) / any_value(t.n), 0) AS shared_template_share,
      coalesce(any_value(top.top_k) / any_value(t.n), 0) AS top_template_share,
      coalesce(any_value(ta2.accounts), 0) AS template_accounts
    FROM t JOIN c USING (account_id)
    LEFT JOIN tpl_accounts ta ON ta.template = c.template
    LEFT JOIN top ON top.account_id = t.account_id
    LEFT JOIN tpl_accounts ta2 ON ta2.template = top.top_template
    GROUP BY t.account_id`);

  // Timing: hour-of-day entropy (scripts run around the clock; people keep hours) and inter-arrival irregularity.
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_time AS
    WITH h AS (SELECT account_id, (ts // 3600000) % 24 AS hr, count(*) AS k FROM interactions GROUP BY ALL),
         t AS (SELECT account_id, sum(k) AS n FROM h GROUP BY account_id),
         ent AS (SELECT h.account_id, -sum((k / t.n) * ln(k / t.n)) / ln(24) AS hour_entropy FROM h JOIN t USING (account_id) GROUP BY h.account_id),
         peak AS (SELECT account_id, max(k) AS peak_hour FROM (SELECT account_id, ts // 3600000 AS hb, count(*) AS k FROM interactions GROUP BY ALL) GROUP BY account_id),
         g AS (SELECT account_id, ts - lag(ts) OVER (PARTITION BY account_id ORDER BY ts) AS gap FROM interactions),
         cv AS (SELECT account_id, CASE WHEN count(gap) >= 3 AND avg(gap) > 0 THEN stddev_pop(gap) / avg(gap) ELSE NULL END AS gap_cv FROM g GROUP BY account_id)
    SELECT ent.account_id, hour_entropy, peak_hour, gap_cv FROM ent JOIN peak USING (account_id) LEFT JOIN cv USING (account_id)`);

  // Model pivot: traffic on a model that first appeared inside the window, during its first three days.
  await run(`
    CREATE OR REPLACE TEMP TABLE model_first AS
    SELECT model, min(ts) AS first_ts FROM interactions WHERE model IS NOT NULL GROUP BY model
    HAVING min(ts) > (SELECT min(ts) + 2::BIGINT * 86400000 FROM interactions)`);
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_pivot AS
    SELECT i.account_id,
      sum(CASE WHEN i.model = m.model THEN 1 ELSE 0 END) / count(*) AS pivot_share
    FROM interactions i JOIN model_first m ON i.ts BETWEEN m.first_ts AND m.first_ts + 3::BIGINT * 86400000
    GROUP BY i.account_id`);

  // Accounts known from the accounts file, with first use.
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_meta AS
    SELECT b.account_id, b.first_ts, a.created_at, a.tier, a.verified, a.email_domain, a.payment_fingerprint, a.signup_ip,
      coalesce(a.org_id, b.org_id) AS org_id,
      CASE WHEN a.created_at IS NULL THEN NULL ELSE (b.first_ts - a.created_at) / 86400000.0 END AS age_days,
      CASE WHEN a.created_at IS NOT NULL AND (b.first_ts - a.created_at) <= ${NEW_ACCOUNT_DAYS}::BIGINT * 86400000 THEN 1 ELSE 0 END AS is_new,
      CASE WHEN a.signup_ip LIKE '%:%' THEN array_to_string(string_split(a.signup_ip, ':')[1:3], ':')
           WHEN a.signup_ip IS NOT NULL THEN regexp_replace(a.signup_ip, '\\.[0-9]+$', '') END AS signup_net
    FROM acct_base b LEFT JOIN accounts a USING (account_id)`);

  // Cross-account rarity: e-mail domains, payment fingerprints, sign-up bursts, IP pools, user agents.
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_x AS
    WITH dom AS (SELECT email_domain, count(*) AS k, avg(is_new) AS new_share FROM acct_meta WHERE email_domain IS NOT NULL GROUP BY email_domain),
         pay AS (SELECT payment_fingerprint, count(*) AS k FROM acct_meta WHERE payment_fingerprint IS NOT NULL GROUP BY payment_fingerprint),
         burst AS (SELECT m.account_id, count(*) AS k FROM acct_meta m JOIN acct_meta o
                   ON m.signup_net = o.signup_net AND abs(m.created_at - o.created_at) <= 3600000
                   WHERE m.signup_net IS NOT NULL GROUP BY m.account_id),
         org AS (SELECT org_id, count(*) AS k FROM acct_meta WHERE org_id IS NOT NULL GROUP BY org_id)
    SELECT m.account_id, m.age_days, m.tier, m.verified, m.is_new,
      CASE WHEN dom.k >= 5 THEN dom.new_share ELSE 0 END AS email_domain_new_share,
      coalesce(pay.k, 0) AS payment_shared,
      coalesce(burst.k, 0) AS signup_burst,
      coalesce(org.k, 0) AS org_size
    FROM acct_meta m LEFT JOIN dom USING (email_domain) LEFT JOIN pay USING (payment_fingerprint)
      LEFT JOIN burst USING (account_id) LEFT JOIN org ON org.org_id = m.org_id`);

  await run(`
    CREATE OR REPLACE TEMP TABLE ip_acc AS
    SELECT i.ip, count(DISTINCT i.account_id) AS accounts, avg(m.is_new) AS new_share
    FROM (SELECT DISTINCT ip, account_id FROM interactions WHERE ip IS NOT NULL) i JOIN acct_meta m USING (account_id) GROUP BY i.ip`);
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_ip AS
    SELECT i.account_id,
      avg(CASE WHEN p.accounts >= 2 THEN 1 ELSE 0 END) AS ip_shared_share,
      coalesce(avg(CASE WHEN p.accounts >= 2 THEN p.new_share END), 0) AS ip_pool_new_share
    FROM interactions i JOIN ip_acc p USING (ip) GROUP BY i.account_id`);
  await run(`
    CREATE OR REPLACE TEMP TABLE acct_ua AS
    WITH u AS (SELECT user_agent, count(DISTINCT account_id) AS accounts, avg(m.is_new) AS new_share
               FROM (SELECT DISTINCT user_agent, account_id FROM interactions WHERE user_agent IS NOT NULL) JOIN acct_meta m USING (account_id)
               GROUP BY user_agent)
    SELECT a.account_id, max(CASE WHEN u.accounts >= 3 THEN u.new_share ELSE 0 END) AS ua_shared_new_share
    FROM (SELECT DISTINCT account_id, user_agent FROM interactions WHERE user_agent IS NOT NULL) a JOIN u USING (user_agent) GROUP BY a.account_id`);

  await run(`
    CREATE OR REPLACE TABLE account_features AS
    SELECT b.account_id, b.n AS interactions, b.first_ts, b.last_ts, x.tier,
      ln(1 + b.n) AS log_interactions,
      ln(1 + b.n / greatest(b.active_days, 1)) AS log_per_active_day,
      ln(1 + coalesce(t.peak_hour, 0)) AS log_peak_hour,
      b.single_turn_share, b.reasoning_share, b.budget_saturation,
      coalesce(mt.max_tokens_saturation, 0) AS max_tokens_saturation,
      b.tools_share, b.cot_share, b.rubric_share,
      coalesce(c.high_value_share, 0) AS high_value_share,
      coalesce(c.capability_entropy, 0) AS capability_entropy,
      coalesce(c.top_capability_share, 0) AS top_capability_share,
      coalesce(tp.shared_template_share, 0) AS shared_template_share,
      coalesce(tp.top_template_share, 0) AS top_template_share,
      ln(1 + least(coalesce(tp.template_accounts, 0), 20)) AS template_accounts_log,
      b.lang_count,
      coalesce(t.hour_entropy, 0) AS hour_entropy,
      coalesce(t.gap_cv, 1) AS gap_cv,
      coalesce(p.pivot_share, 0) AS pivot_share,
      ln(1 + greatest(coalesce(x.age_days, 0), 0)) AS age_days_log,
      CASE WHEN x.age_days IS NULL THEN 1 ELSE 0 END AS age_unknown,
      CASE WHEN x.tier IN ('free', 'education', 'startup', 'trial') THEN 1 ELSE 0 END AS farm_tier,
      CASE WHEN x.verified = false THEN 1 ELSE 0 END AS unverified,
      coalesce(x.email_domain_new_share, 0) AS email_domain_new_share,
      ln(1 + greatest(coalesce(x.payment_shared, 0) - 1, 0)) AS payment_shared_log,
      ln(1 + greatest(coalesce(x.signup_burst, 0) - 1, 0)) AS signup_burst_log,
      b.n_ips / b.n AS ips_per_interaction,
      coalesce(ip.ip_shared_share, 0) AS ip_shared_share,
      coalesce(ip.ip_pool_new_share, 0) AS ip_pool_new_share,
      ln(1 + b.n_asns) AS asn_count_log,
      coalesce(ua.ua_shared_new_share, 0) AS ua_shared_new_share,
      ln(1 + coalesce(x.org_size, 0)) AS org_size_log
    FROM acct_base b
    LEFT JOIN acct_mt mt USING (account_id) LEFT JOIN acct_cap c USING (account_id) LEFT JOIN acct_tpl tp USING (account_id)
    LEFT JOIN acct_time t USING (account_id) LEFT JOIN acct_pivot p USING (account_id) LEFT JOIN acct_x x USING (account_id)
    LEFT JOIN acct_ip ip USING (account_id) LEFT JOIN acct_ua ua USING (account_id)
    ORDER BY b.account_id`);
  await run(`DROP TABLE IF EXISTS acct_base; DROP TABLE IF EXISTS mt_cut; DROP TABLE IF EXISTS acct_mt; DROP TABLE IF EXISTS acct_cap;
    DROP TABLE IF EXISTS tpl_accounts; DROP TABLE IF EXISTS acct_tpl; DROP TABLE IF EXISTS acct_time; DROP TABLE IF EXISTS model_first;
    DROP TABLE IF EXISTS acct_pivot; DROP TABLE IF EXISTS acct_x; DROP TABLE IF EXISTS ip_acc; DROP TABLE IF EXISTS acct_ip; DROP TABLE IF EXISTS acct_ua;`);
  const r = await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM account_features`);
  // acct_meta is kept for the graph stage.
  return Number(r?.n ?? 0);
}
