/**
 * Signals: detection logic as data, in the manner of Sigma rules. Every signal has metadata that reports and the
 * dashboard show next to its evidence, and one implementation shared by the batch analysis (ingest workers, SQL
 * aggregation) and the online detector.
 */

export interface SignalMeta {
  /** Stable id, e.g. 'template.shared_wrapper'. Used in reasons and model files. */
  id: string;
  title: string;
  /** Why this indicates distillation. */
  rationale: string;
  /** Legitimate traffic that also trips it, and how the system keeps from punishing it. */
  falsePositives: string[];
  /** Public sources. */
  references: string[];
  /** What it is computed over. */
  level: 'interaction' | 'account' | 'cluster';
}

/** Per-interaction text signals, computed once per record (in ingest workers and in the gateway). */
export interface TextSignals {
  /** Capability the request targets (src/model/capabilities.ts). */
  capability: string;
  /** Strength 0..1 of chain-of-thought / reasoning-trace elicitation in the prompt or system prompt. */
  cot: number;
  /** Strength 0..1 of rubric / reward-model grading. */
  rubric: number;
  /** Language guess (ISO 639-1 or 'und'). */
  lang: string;
  /** Fingerprint of the prompt's wrapper: its normalised skeleton with the task content removed (16 hex). */
  template: string | null;
  /** MinHash LSH band keys of the wrapper skeleton, for near-duplicate (paraphrased) wrappers. */
  lsh: string[];
}
