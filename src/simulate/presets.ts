/**
 * Presets: the reported campaigns, at scale 1. Sizes follow the public 2026 reports; everything else (model
 * names, dates of releases, benign population) is a plausible invention. Benign look-alike groups are sized as
 * shares of the benign population, so they scale with it.
 */
import type { Capability } from '../model/capabilities.js';
import type { LookalikeGroup } from '../model/labels.js';
import type { Behaviour } from './behaviours.js';
import type { PresetName } from './types.js';

export interface ModelSpec {
  name: string;
  /** Release date (YYYY-MM-DD). A model released inside the window is "new": traffic moves to it from then on. */
  released: string;
  /** Share of benign traffic on this model before any new release. */
  weight: number;
}

export interface CampaignSpec {
  id: string;
  operator: string;
  description: string;
  /** Accounts at scale 1 (attacker plus proxy_mixed). */
  accounts: number;
  /** Distillation interactions at scale 1. */
  interactions: number;
  /** Share of the accounts that are resold proxy accounts mixing genuine traffic (with proxy_mixing on). */
  proxyShare: number;
  /** Share of a proxy account's traffic that is distillation. */
  proxyAttackShare: number;
  capabilities: Partial<Record<Capability, number>>;
  /** Behaviours this operator uses (gated by the switches). */
  behaviours: Behaviour[];
  /** Languages (ISO 639-1) and weights, used when multilingual is on. */
  languages: Record<string, number>;
  /** Active part of the window, as fractions [from, to]. */
  window: [number, number];
  /** Preferred API shapes: anthropic messages, openai chat, openai responses. */
  apis: [number, number, number];
}

export interface PresetSpec {
  name: PresetName;
  description: string;
  /** First day (UTC, inclusive) and last day (UTC, inclusive). */
  start: string;
  end: string;
  models: ModelSpec[];
  campaigns: CampaignSpec[];
  /** Benign accounts at scale 1 (at least 10x the attacker accounts). */
  benignAccounts: number;
  /** Share of benign accounts per look-alike group; the rest are 'ordinary'. */
  lookalikes: Record<LookalikeGroup, number>;
}

const ALL_ATTACK: Behaviour[] = [
  'proxy_mixing',
  'ip_rotation',
  'rate_limit_evasion',
  'account_farming',
  'wrapper_rotation',
  'cot_elicitation',
  'rubric_grading',
  'tool_use_harvest',
  'long_reasoning',
  'slow_and_low',
  'multilingual',
];

const LOOKALIKES: Record<LookalikeGroup, number> = {
  coding_agent: 0.08,
  enterprise_nat: 0.025,
  class_signup: 0.015,
  eval_runs: 0.001,
  synthetic_data: 0.004,
  multilingual_chat: 0.15,
};

export const PRESETS: Record<PresetName, PresetSpec> = {
  'seed-2026': {
    name: 'seed-2026',
    description: '~25,000 fraudulent accounts, ~28.8M interactions in six weeks, software engineering, coding and agentic reasoning through proxy networks',
    start: '2026-04-22',
    end: '2026-06-05',
    models: [
      { name: 'claude-opus-4-6', released: '2026-02-05', weight: 0.3 },
      { name: 'claude-sonnet-4-6', released: '2026-02-17', weight: 0.5 },
      { name: 'claude-haiku-4-5', released: '2025-10-15', weight: 0.2 },
      { name: 'claude-opus-4-7', released: '2026-05-19', weight: 0 },
    ],
    campaigns: [
      {
        id: 'seed-2026-c1',
        operator: 'operator-s',
        description: 'Harvesting software engineering, coding, agentic reasoning and long-horizon task traces through proxy networks',
        accounts: 25000,
        interactions: 28_800_000,
        proxyShare: 0.35,
        proxyAttackShare: 0.6,
        capabilities: { coding: 0.3, software_engineering: 0.27, agentic_tool_use: 0.3, reasoning_math: 0.06, rubric_grading: 0.04, data_analysis: 0.03 },
        behaviours: ALL_ATTACK,
        languages: { en: 0.8, zh: 0.1, ru: 0.04, es: 0.03, ko: 0.03 },
        window: [0, 1],
        apis: [0.6, 0.3, 0.1],
      },
    ],
    benignAccounts: 260_000,
    lookalikes: LOOKALIKES,
  },
  'feb-2026': {
    name: 'feb-2026',
    description: 'Three operators, ~16M exchanges through ~24,000 accounts; one proxy network runs >20,000 accounts at once',
    start: '2026-01-06',
    end: '2026-02-17',
    models: [
      { name: 'claude-opus-4-5', released: '2025-11-24', weight: 0.35 },
      { name: 'claude-sonnet-4-5', released: '2025-09-29', weight: 0.45 },
      { name: 'claude-haiku-4-5', released: '2025-10-15', weight: 0.2 },
      { name: 'claude-opus-4-6', released: '2026-02-05', weight: 0 },
    ],
    campaigns: [
      {
        id: 'feb-2026-a',
        operator: 'operator-a',
        description: 'Reasoning, chain-of-thought elicitation and rubric grading (reward-model use) from few accounts',
        accounts: 60,
        interactions: 150_000,
        proxyShare: 0,
        proxyAttackShare: 1,
        capabilities: { reasoning_math: 0.42, rubric_grading: 0.3, knowledge_qa: 0.13, coding: 0.15 },
        behaviours: ['ip_rotation', 'rate_limit_evasion', 'account_farming', 'wrapper_rotation', 'cot_elicitation', 'rubric_grading', 'long_reasoning', 'slow_and_low', 'multilingual'],
        languages: { en: 0.7, zh: 0.3 },
        window: [0.05, 1],
        apis: [0.7, 0.3, 0],
      },
      {
        id: 'feb-2026-b',
        operator: 'operator-b',
        description: 'Agentic reasoning, tool use, coding, data analysis and vision over hundreds of accounts',
        accounts: 700,
        interactions: 3_400_000,
        proxyShare: 0,
        proxyAttackShare: 1,
        capabilities: { agentic_tool_use: 0.33, coding: 0.25, data_analysis: 0.16, vision: 0.12, reasoning_math: 0.09, software_engineering: 0.05 },
        behaviours: ['ip_rotation', 'rate_limit_evasion', 'account_farming', 'wrapper_rotation', 'cot_elicitation', 'tool_use_harvest', 'long_reasoning', 'slow_and_low', 'multilingual'],
        languages: { en: 0.75, zh: 0.2, ja: 0.05 },
        window: [0, 0.9],
        apis: [0.5, 0.4, 0.1],
      },
      {
        id: 'feb-2026-c',
        operator: 'operator-c',
        description: 'Agentic coding and tool orchestration through a proxy network; half the traffic moved to the new model within 24 hours of release',
        accounts: 23_240,
        interactions: 13_000_000,
        proxyShare: 0.9,
        proxyAttackShare: 0.55,
        capabilities: { agentic_tool_use: 0.45, coding: 0.38, software_engineering: 0.17 },
        behaviours: ['proxy_mixing', 'ip_rotation', 'rate_limit_evasion', 'account_farming', 'wrapper_rotation', 'tool_use_harvest', 'long_reasoning', 'model_pivot', 'slow_and_low', 'multilingual'],
        languages: { en: 0.85, zh: 0.15 },
        window: [0, 1],
        apis: [0.45, 0.45, 0.1],
      },
    ],
    benignAccounts: 250_000,
    lookalikes: LOOKALIKES,
  },
  'reasoning-coercion': {
    name: 'reasoning-coercion',
    description: '~100,000 prompts coercing step-by-step reasoning traces, in many languages',
    start: '2026-03-02',
    end: '2026-03-15',
    models: [
      { name: 'claude-opus-4-6', released: '2026-02-05', weight: 0.4 },
      { name: 'claude-sonnet-4-6', released: '2026-02-17', weight: 0.45 },
      { name: 'claude-haiku-4-5', released: '2025-10-15', weight: 0.15 },
    ],
    campaigns: [
      {
        id: 'reasoning-coercion-c1',
        operator: 'operator-r',
        description: 'Prompts forcing the model to write out step-by-step reasoning traces, in many languages',
        accounts: 300,
        interactions: 100_000,
        proxyShare: 0,
        proxyAttackShare: 1,
        capabilities: { reasoning_math: 0.5, knowledge_qa: 0.2, coding: 0.15, data_analysis: 0.05, general_chat: 0.1 },
        behaviours: ['ip_rotation', 'rate_limit_evasion', 'account_farming', 'wrapper_rotation', 'cot_elicitation', 'long_reasoning', 'slow_and_low', 'multilingual'],
        languages: { en: 0.2, zh: 0.1, es: 0.07, fr: 0.06, de: 0.06, ru: 0.06, ja: 0.06, ko: 0.05, pt: 0.05, ar: 0.05, hi: 0.04, tr: 0.04, vi: 0.04, id: 0.04, it: 0.04, pl: 0.02, nl: 0.02 },
        window: [0.1, 0.9],
        apis: [0.6, 0.3, 0.1],
      },
    ],
    benignAccounts: 30_000,
    lookalikes: LOOKALIKES,
  },
};
