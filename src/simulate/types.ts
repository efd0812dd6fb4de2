/** Public types of the simulator: options and summary. */
import type { BehaviourSwitches } from './behaviours.js';

export const PRESET_NAMES = ['seed-2026', 'feb-2026', 'reasoning-coercion'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface SimulateOptions {
  /** Which reported campaign(s) to reproduce. */
  preset: PresetName;
  /** 1 = the reported size; multiplies accounts and interactions. */
  scale: number;
  /** PRNG seed (a non-negative integer); same seed, same bytes. */
  seed: number;
  /**
   * Seed of the operators' identity (default: `seed`): each campaign's wrappers, reasoning-elicitation wordings,
   * system prompts, IP pools, residential networks, payment fingerprints and sign-up batches. Two runs with the same
   * operator seed and different seeds are the same operators seen through other accounts and other traffic (what a
   * second provider sees of them).
   */
  operatorSeed?: number;
  /** Output folder (created if missing; existing simulator files are overwritten). */
  outDir: string;
  /** Benign prompt corpora (JSONL with `text`, or ShareGPT-style `conversations`); default: built-in generator. */
  benignCorpus?: string[];
  /** Distillation template corpora (JSONL with `template`, or seed tasks with `instruction`). */
  templateCorpus?: string[];
  /** Attacker behaviour switches (absent = on). */
  behaviours?: BehaviourSwitches;
  /** Override the preset window (ISO date or date-time; end exclusive). */
  start?: string;
  end?: string;
  /** gzip level of interactions.jsonl.gz (default 1; 0 stores uncompressed deflate blocks: fastest, ~5x larger). */
  gzipLevel?: number;
  /** Worker threads generating and compressing (default: available cores, at most 4; 0 = in this thread). */
  workers?: number;
  /** Called now and then with interactions written and the planned total (an estimate). */
  onProgress?: (written: number, plannedTotal: number) => void;
}

export interface CountByKind {
  accounts: number;
  interactions: number;
  distillation_interactions: number;
}

export interface SimulateSummary {
  preset: PresetName;
  scale: number;
  seed: number;
  outDir: string;
  start: string;
  end: string;
  accounts: number;
  interactions: number;
  distillation_interactions: number;
  /** By role (attacker, proxy_mixed, benign). */
  roles: Record<string, CountByKind>;
  /** By benign group (look-alike groups and 'ordinary'); attacker and proxy accounts under their campaign. */
  groups: Record<string, CountByKind>;
  campaigns: Record<string, CountByKind>;
  /** Bytes written per file. */
  files: Record<string, number>;
  /** Uncompressed bytes of interactions JSONL. */
  raw_bytes: number;
  seconds: number;
  interactions_per_second: number;
}

/** Invalid options (bad preset, scale, dates, unreadable corpus): the CLI shows the message as it is. */
export class SimulateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulateInputError';
  }
}
