/**
 * Verdicts for the gateway from two sources: a fixed table from the latest batch analysis (optional) and the
 * streaming detector (fed every interaction). An account's verdict is the stronger of the two (higher score), so a
 * campaign found in batch stays enforced while the online detector catches what is new.
 */
import type { Interaction } from '../model/interaction.js';
import type { AccountVerdict, VerdictSource } from '../enforce/verdicts.js';
import type { OnlineDetector } from './detector.js';

export class CombinedVerdicts implements VerdictSource {
  constructor(
    readonly fixed: VerdictSource | null,
    readonly online: OnlineDetector,
  ) {}

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
}
