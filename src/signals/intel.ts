/** Metadata of the partner-intelligence signal (matching in src/detect/intel.ts, import in src/stix/import.ts). */
import type { SignalMeta } from './types.js';

export const INTEL_META: SignalMeta = {
  id: 'intel.partner_match',
  title: 'Partner intelligence: the account matches indicators another provider shared (STIX 2.1)',
  rationale:
    'Distillation operators farm accounts at several providers at once and reuse what is costly to change: payment ' +
    'methods, prompt wrappers, system prompts, sign-up batches. An account that matches a partner\'s indicators of a ' +
    'campaign (compared as keyed hashes under the community key, so neither side learns the other\'s customers) is ' +
    'likely the same operator. The match adds to the account\'s log-odds in proportion to the indicators\' kind, the ' +
    'partner\'s confidence and the share of the account\'s calls that match, and the reason names the source.',
  falsePositives: [
    'Residential proxies exit through real homes, and ASNs, networks, e-mail providers and reasoning phrases are shared by ordinary users: these never count on their own, only next to a payment, wrapper, system-prompt or sign-up-burst match.',
    'A legitimate product whose system prompt or wrapper a campaign copied (the partner exports only values used mostly by campaign accounts, and the match scales with the share of the account\'s calls that carry it).',
    'A stale or wrong partner indicator (network indicators expire after 30 days; every match names its source so that an analyst can discount it).',
  ],
  references: ['OASIS STIX 2.1 (https://docs.oasis-open.org/cti/stix/v2.1/stix-v2.1.html)', 'FIRST Traffic Light Protocol 2.0 (https://www.first.org/tlp/)'],
  level: 'account',
};
