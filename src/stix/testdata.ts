/** Test helpers: a synthetic campaign with indicators of every kind (no store needed), and a community key. */
import type { CampaignResult } from '../model/results.js';
import type { CampaignIntel, IndicatorStat } from './collect.js';
import { communityKey } from './keys.js';

export const TEST_KEY = communityKey(Buffer.from('test-community-key-0123456789abcdef'));

const T0 = Date.parse('2026-04-23T09:20:35.003Z');
const T1 = Date.parse('2026-06-05T20:34:45.664Z');

export function syntheticCampaign(id = 'C001-abcdef', accounts = ['acct_a', 'acct_b', 'acct_c']): CampaignResult {
  return {
    campaign_id: id,
    score: 0.97,
    accounts: accounts.length,
    account_ids: accounts,
    interactions: 1234,
    first_seen: new Date(T0).toISOString(),
    last_seen: new Date(T1).toISOString(),
    capabilities: { coding: 0.5, agentic_tool_use: 0.3, reasoning_math: 0.2 },
    models: { 'model-x': 0.7, 'model-y': 0.3 },
    indicators: { ips: [], cidrs: [], asns: [], payment_fingerprints: [], email_domains: [], system_prompt_hashes: [], template_fingerprints: [] },
    summary: '1,234 interactions through 3 accounts',
    evidence: [{ signal: 'proxy.mixed_traffic', detail: '1 accounts mix campaign traffic with other traffic' }],
  };
}

const stat = (kind: IndicatorStat['kind'], value: string, purity = 1): IndicatorStat => ({ kind, value, accounts: 3, interactions: kind === 'payment' || kind === 'email_domain' || kind === 'signup_burst' ? 0 : 40, first: T0, last: T1, purity });

/** Raw values that must never appear in a bundle (they identify customers). */
export const SECRET_VALUES = ['fp_SECRETcard1234', 'customer-corp.example', 'a1b2c3d4e5f60718', 'f0e1d2c3b4a59687'];

export function syntheticIntel(campaign = syntheticCampaign()): CampaignIntel {
  return {
    campaign,
    indicators: [
      stat('ip', '198.51.100.7'),
      stat('ip', '2001:db8::7'),
      stat('cidr', '198.51.100.0/24', 0.9),
      stat('cidr', '2001:db8:1:::/48'),
      stat('asn', '64496', 0.6),
      stat('email_domain', SECRET_VALUES[1]!),
      stat('email_domain', 'gmail.com', 0.1),
      stat('payment', SECRET_VALUES[0]!),
      stat('signup_burst', `free|${T0 - 86_400_000}|${T0 - 86_400_000 + 1_800_000}`),
      stat('template', SECRET_VALUES[2]!),
      stat('system_prompt', SECRET_VALUES[3]!, 0.8),
      stat('reasoning_phrase', "reconstruct the reasoning's steps"),
    ],
  };
}
