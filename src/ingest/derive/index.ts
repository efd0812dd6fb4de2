/**
 * Derivation: from provider request/response bodies (or plain prompt/system/completion text) to `Derived`.
 * Implementation in progress (see anthropic.ts, openai.ts, sse.ts).
 */
import type { Derived } from '../../model/interaction.js';
import { emptyDerived } from '../../model/interaction.js';

export interface DeriveHints {
  endpoint?: string | null;
}

/**
 * Derive everything the store keeps from a request body and a response (a body, a list of SSE events, or raw
 * SSE text). Never throws: unrecognised shapes give api 'unknown' with what could be read.
 */
export function deriveFromBodies(_request: Record<string, unknown> | null | undefined, _response: unknown, _hints: DeriveHints = {}): Derived {
  return emptyDerived('unknown');
}

/** Derive from plain text fields when no bodies were logged. */
export function deriveFromText(prompt: string | null | undefined, system: string | null | undefined, completion: string | null | undefined): Derived {
  const d = emptyDerived('text');
  d.prompt = prompt ?? null;
  d.system = system ?? null;
  d.turns = prompt != null ? 1 : 0;
  d.completion = completion ?? null;
  d.output_chars = completion != null ? completion.length : null;
  return d;
}
