/**
 * Anthropic Messages API logs: one line holds a request body with its response (a body, or its SSE events as a
 * list or raw text) under flexible wrapper names, with metadata; also Message Batches result lines
 * `{custom_id, result:{type, message | error}}`. The shared mapping lives in derive/logline.ts; bodies are
 * derived later by deriveFromBodies.
 */
import { adaptProviderLine, lineProvider } from '../derive/logline.js';
import type { Adapter } from '../types.js';

export const anthropicAdapter: Adapter = (value) => adaptProviderLine(value, 'anthropic');

/** Whether one parsed line looks like an Anthropic Messages log line. */
export function detectAnthropic(value: unknown): boolean {
  return lineProvider(value) === 'anthropic';
}
