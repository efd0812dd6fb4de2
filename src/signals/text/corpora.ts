/** Test helpers: read the shared corpora (../shared/corpora) by path. Used by the tests of this folder only. */
import { existsSync, readFileSync } from 'node:fs';
import { shared } from '../../testutil/fixtures.js';

export interface BenignPrompt {
  source: string;
  conv_id: string | null;
  text: string;
}

let benign: BenignPrompt[] | null = null;

/**
 * Test option that skips a test needing the corpora when ../shared/corpora is not beside the checkout (CI always has
 * it; a clone elsewhere may not), saying why instead of failing on a missing file.
 */
export const needsCorpora = { skip: existsSync(shared('corpora', 'benign_prompts.jsonl')) ? false : 'needs ../shared/corpora beside the checkout' };

/** benign_prompts.jsonl: ShareGPT user turns, CoNaLa Stack Overflow titles, Koala test prompts. */
export function benignPrompts(): BenignPrompt[] {
  benign ??= readJsonl(shared('corpora', 'benign_prompts.jsonl')) as BenignPrompt[];
  return benign;
}

/** Self-Instruct seed task instructions (task content to wrap). */
export function seedInstructions(): string[] {
  return (readJsonl(shared('corpora', 'self_instruct_seed_tasks.jsonl')) as Array<{ instruction: string }>).map((r) => r.instruction);
}

export function readJsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Deterministic PRNG (mulberry32) for generated test cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
