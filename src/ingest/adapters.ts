/** The adapter of each line-oriented format, and format detection from one parsed record. */
import type { Adapter, FormatName } from './types.js';
import { anthropicAdapter, detectAnthropic } from './formats/anthropic.js';
import { detectOpenAI, openaiAdapter } from './formats/openai.js';
import { detectOtlp, otlpAdapter } from './formats/otlp.js';

/** Native records already use canonical field names: validation happens after the adapter. */
export const nativeAdapter: Adapter = (value) => ({ records: [{ value: value as Record<string, unknown> }], rejects: [] });

export type LineFormat = Exclude<FormatName, 'csv' | 'parquet'>;

export function adapterFor(format: LineFormat): Adapter {
  switch (format) {
    case 'jsonl':
      return nativeAdapter;
    case 'openai':
      return openaiAdapter;
    case 'anthropic':
      return anthropicAdapter;
    case 'otlp':
      return otlpAdapter;
  }
}

/** Native when the record already has the three required canonical fields. */
export function looksNative(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return 'id' in o && 'ts' in o && 'account_id' in o;
}

/** The format one parsed record looks like, or null. Order matters: native first, then the wrappers. */
export function detectFromValue(v: unknown): LineFormat | null {
  if (looksNative(v)) return 'jsonl';
  if (detectOtlp(v)) return 'otlp';
  if (detectAnthropic(v)) return 'anthropic';
  if (detectOpenAI(v)) return 'openai';
  return null;
}
