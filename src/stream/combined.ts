/**
 * Verdicts for the gateway from two sources: a fixed table from the latest batch analysis (optional) and the
 * streaming detector (fed every interaction, in process or on its thread). An account's verdict is the stronger of
 * the two (higher score), so a campaign found in batch stays enforced while the online detector catches what is new.
 */
import type { Interaction } from '../model/interaction.js';
import type { AccountVerdict, VerdictSource } from '../enforce/verdicts.js';

export class CombinedVerdicts implements VerdictSource {
  /** Present when the online source takes log lines (stream/detector-thread.ts): the gateway then hands lines over. */
  readonly observeLine?: (line: string) => void;

  constructor(
    readonly fixed: VerdictSource | null,
    readonly online: VerdictSource,
  ) {
    if (online.observeLine !== undefined) this.observeLine = (line) => online.observeLine!(line);
  }

  verdict(accountId: string): AccountVerdict | undefined {
    const a = this.fixed?.verdict(accountId);
    const b = this.online.verdict(accountId);
    if (a === undefined) return b;
    if (b === undefined) return a;
    return b.score > a.score ? b : a;
  }

  observe(rec: Interaction): void {
    this.fixed?.observe(rec);
    this.online.observe(rec);
  }

  async close(): Promise<void> {
    await this.fixed?.close?.();
    await this.online.close?.();
  }
}
