/**
 * Per-interaction signals as the ingest and the gateway compute them. Provisional: until the text signal modules
 * land, a minimal wrapper fingerprint (first and last words, numbers masked) stands in.
 */
import { hash } from 'node:crypto';
import type { Derived } from '../model/interaction.js';
import type { TextSignals } from './types.js';

export function computeTextSignals(prompt: string | null, _system: string | null, d: Derived): TextSignals {
  let template: string | null = null;
  if (prompt && prompt.length >= 40) {
    const words = prompt.toLowerCase().replace(/\d+/g, '0').split(/\s+/).filter(Boolean);
    if (words.length >= 8) template = hash('sha1', words.slice(0, 6).join(' ') + ' … ' + words.slice(-4).join(' ')).slice(0, 16);
  }
  const capability = d.has_image ? 'vision' : d.tools > 0 ? 'agentic_tool_use' : 'general_chat';
  return { capability, cot: 0, rubric: 0, lang: 'und', template, lsh: [] };
}
