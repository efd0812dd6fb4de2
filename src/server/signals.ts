/** Signal metadata (src/signals) by id, for the rationale shown next to reasons and evidence. */
import { ACCOUNT_SIGNAL_META } from '../signals/account.js';
import { TEXT_SIGNAL_META } from '../signals/text/index.js';
import type { SignalMeta } from '../signals/types.js';

const BY_ID = new Map<string, SignalMeta>([...ACCOUNT_SIGNAL_META, ...TEXT_SIGNAL_META].map((m) => [m.id, m]));

/**
 * Evidence and reason ids written by the campaign assembly (src/detect/campaigns.ts, analyze.ts) that are not
 * signal ids themselves, mapped to the signal whose metadata explains them.
 */
const ALIAS: Record<string, string> = {
  'campaign.member': 'coordination.graph',
  'coordination.communities': 'coordination.graph',
  'template.shared_wrapper': 'text.template',
  'infrastructure.shared': 'account.infrastructure',
};

export interface SignalInfo {
  id: string;
  title: string;
  rationale: string;
  falsePositives: string[];
  level: string;
}

export function signalInfo(id: string): SignalInfo | null {
  const m = BY_ID.get(id) ?? BY_ID.get(ALIAS[id] ?? '');
  return m ? { id: m.id, title: m.title, rationale: m.rationale, falsePositives: m.falsePositives, level: m.level } : null;
}

export function allSignals(): SignalInfo[] {
  return [...BY_ID.values()].map((m) => signalInfo(m.id)!);
}
