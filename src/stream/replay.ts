/**
 * Replay: the streaming detector over logs in timestamp order, exactly as the gateway would run it. For each
 * interaction, the account's action is decided from what came before (verdict, then policy), then the interaction is
 * observed. A decision line is written whenever an account's action changes.
 */
import type { Decision } from '../model/results.js';
import type { ModelFile } from '../detect/model.js';
import { compilePolicy, decide, type Policy } from '../enforce/policy.js';
import type { Store } from '../store/store.js';
import { OnlineDetector, type DetectorOptions } from './detector.js';
import { forEachInteraction, loadAccounts } from './read-store.js';

export interface ReplayStats {
  interactions: number;
  accounts: number;
  decisions: number;
  /** Interactions that met each action (as decided, whether or not the policy enforces). */
  byAction: Record<string, number>;
  ms: number;
}

export async function replayStore(
  store: Store,
  model: ModelFile,
  policy: Policy,
  emit: (d: Decision) => void,
  opts: Partial<DetectorOptions> = {},
): Promise<ReplayStats> {
  const t0 = performance.now();
  const det = new OnlineDetector(model, await loadAccounts(store), opts);
  const compiled = compilePolicy(policy);
  const current = new Map<string, string>();
  const byAction: Record<string, number> = {};
  let decisions = 0;
  const n = await forEachInteraction(store, (r) => {
    const v = det.verdict(r.account_id);
    const d = decide(compiled, v, { account_id: r.account_id, org_id: r.org_id, api_key_id: null, ip: r.ip });
    byAction[d.action] = (byAction[d.action] ?? 0) + 1;
    const prev = current.get(r.account_id) ?? 'allow';
    if (d.action !== prev) {
      current.set(r.account_id, d.action);
      decisions++;
      emit({
        ts: new Date(r.ts).toISOString(),
        account_id: r.account_id,
        action: d.action,
        score: v?.score ?? 0,
        campaign_id: v?.campaign_id ?? null,
        reasons: d.reasons.length ? d.reasons : (v?.reasons ?? []),
        served_before: det.interactionsOf(r.account_id),
      });
    }
    det.observe(r);
  });
  return { interactions: n, accounts: det.accounts, decisions, byAction, ms: performance.now() - t0 };
}
