/**
 * OpenAI API logs: one line holds a Chat Completions or Responses request body with its response (a body, or
 * its SSE events as a list or raw text) under flexible wrapper names, with metadata; also Batch API output
 * lines `{id, custom_id, response:{status_code, request_id, body}, error}`. The shared mapping lives in
 * derive/logline.ts; bodies are derived later by deriveFromBodies.
 */
import { adaptProviderLine, lineProvider } from '../derive/logline.js';
import type { Adapter } from '../types.js';

export const openaiAdapter: Adapter = (value) => adaptProviderLine(value, 'openai');

/** Whether one parsed line looks like an OpenAI log line (Chat Completions, Responses or Batch output). */
export function detectOpenAI(value: unknown): boolean {
  return lineProvider(value) === 'openai';
}
