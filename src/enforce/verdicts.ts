/**
 * Verdict sources: where the gateway reads an account's current detection verdict.
 *
 * The streaming detector (elsewhere) implements `VerdictSource`; `StaticVerdicts` serves a fixed table loaded from
 * a batch analysis's accounts.jsonl (or any JSONL of {account_id, score, verdict, campaign_id, reasons}).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Interaction } from '../model/interaction.js';
import { ReasonSchema, VERDICTS } from '../model/results.js';

export interface AccountVerdict {
  score: number;
  verdict: 'distillation' | 'suspicious' | 'benign';
  campaign_id: string | null;
  reasons: { signal: string; contribution: number; detail: string }[];
}

export interface VerdictSource {
  /** Current verdict for an account (synchronous, O(1): it is on the hot path). */
  verdict(accountId: string): AccountVerdict | undefined;
  /** Feed one completed interaction (called after the response is done; must not block the response). */
  observe(rec: Interaction): void;
  /**
   * When present, the gateway hands over each finished call as its log line (the canonical record as JSON)
   * instead of deriving the interaction itself: the source derives it elsewhere (stream/detector-thread.ts).
   */
  observeLine?(line: string): void;
  /** Releases what the source holds (a worker thread); the gateway calls it on close. */
  close?(): Promise<void>;
}

/** One line of a verdicts file: accounts.jsonl lines fit (their extra fields are ignored). */
export const VerdictLineSchema = z.object({
  account_id: z.string().min(1),
  score: z.number().min(0).max(1),
  verdict: z.enum(VERDICTS),
  campaign_id: z.string().min(1).nullable().optional(),
  reasons: z.array(ReasonSchema).optional(),
});

/** A fixed verdict table. `observe` only counts what it was fed (tests read `observed`). */
export class StaticVerdicts implements VerdictSource {
  private readonly table = new Map<string, AccountVerdict>();
  /** Interactions observed since start (a static table does not learn from them). */
  observed = 0;
  /** Hook for tests and tooling: called with every observed interaction. */
  onObserve: ((rec: Interaction) => void) | null = null;

  constructor(entries: Iterable<[string, AccountVerdict]> = []) {
    for (const [k, v] of entries) this.table.set(k, v);
  }

  /** Loads a JSONL file; throws an Error naming the file and line on a bad line. Blank lines are skipped. */
  static fromFile(path: string): StaticVerdicts {
    const text = readFileSync(path, 'utf8');
    return StaticVerdicts.fromJsonl(text, path);
  }

  static fromJsonl(text: string, name = '(verdicts)'): StaticVerdicts {
    const out = new StaticVerdicts();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`${name}:${i + 1}: not JSON`);
      }
      const r = VerdictLineSchema.safeParse(value);
      if (!r.success) {
        const issue = r.error.issues[0]!;
        throw new Error(`${name}:${i + 1}: ${issue.path.map(String).join('.') || '(line)'}: ${issue.message}`);
      }
      out.set(r.data.account_id, {
        score: r.data.score,
        verdict: r.data.verdict,
        campaign_id: r.data.campaign_id ?? null,
        reasons: r.data.reasons ?? [],
      });
    }
    return out;
  }

  set(accountId: string, v: AccountVerdict): void {
    this.table.set(accountId, v);
  }

  get size(): number {
    return this.table.size;
  }

  verdict(accountId: string): AccountVerdict | undefined {
    return this.table.get(accountId);
  }

  observe(rec: Interaction): void {
    this.observed++;
    this.onObserve?.(rec);
  }
}
