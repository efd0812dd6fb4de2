/** Per-interaction signals as the ingest (in its worker threads) and the gateway compute them: one implementation. */
import type { Derived } from '../model/interaction.js';
import type { TextSignals } from './types.js';
import { textSignals } from './text/index.js';

export function computeTextSignals(prompt: string | null, system: string | null, d: Derived): TextSignals {
  return textSignals(prompt, system, d);
}
