/**
 * Attacker behaviour switches. Each can be turned off independently; all are on by default. A campaign uses the
 * behaviours its preset gives it, intersected with the switches that are on (CampaignTruth.behaviours lists the
 * result).
 */
export const BEHAVIOURS = [
  /** Resold access ("hydra" proxy networks): attack and genuine customer traffic on the same accounts. */
  'proxy_mixing',
  /** Residential-proxy IP rotation: many IPs across consumer ASNs per account (off: a few datacenter IPs). */
  'ip_rotation',
  /** Per-account volume kept under the usual rate limits (off: traffic concentrated on few accounts, 429s). */
  'rate_limit_evasion',
  /** Accounts farmed on free/education/startup tiers: sign-up bursts, disposable e-mail, shared payment. */
  'account_farming',
  /** Paraphrased prompt wrappers, rotated over time (off: one fixed wrapper). */
  'wrapper_rotation',
  /** Chain-of-thought elicitation, in varied wordings. */
  'cot_elicitation',
  /** Rubric grading: the model used as a reward model. */
  'rubric_grading',
  /** Tool use and agentic trace harvesting (tool definitions, tool_use / tool_result histories). */
  'tool_use_harvest',
  /** Maximal thinking budgets and max_tokens. */
  'long_reasoning',
  /** Moving half the traffic to a newly released model within 24 hours of its release. */
  'model_pivot',
  /** Slow-and-low pacing: flat, around-the-clock, low per-hour rate (off: synchronised shifts of bursts). */
  'slow_and_low',
  /** Prompts in many languages (off: English only). */
  'multilingual',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** On/off per behaviour; an absent key means on. */
export type BehaviourSwitches = Partial<Record<Behaviour, boolean>>;

export function isBehaviour(s: string): s is Behaviour {
  return (BEHAVIOURS as readonly string[]).includes(s);
}

/** The set of behaviours that are on. */
export function enabledBehaviours(sw: BehaviourSwitches | undefined): Set<Behaviour> {
  return new Set(BEHAVIOURS.filter((b) => sw?.[b] !== false));
}

/** Switches with exactly `on` enabled (the CLI's --behaviours LIST). */
export function onlyBehaviours(on: Iterable<Behaviour>): BehaviourSwitches {
  const set = new Set(on);
  return Object.fromEntries(BEHAVIOURS.map((b) => [b, set.has(b)])) as BehaviourSwitches;
}
