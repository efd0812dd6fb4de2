/** runEval: the whole evaluation, a pure function of already-read inputs. */
import { evalAccounts } from './accounts.js';
import { evalCampaigns } from './campaigns.js';
import { evalOnline } from './online.js';
import { trueCampaigns } from './truth.js';
import type { EvalInput, EvalReport } from './types.js';

export function runEval(input: EvalInput): EvalReport {
  const warnings: string[] = [];
  const truths = trueCampaigns(input.labels);
  const accounts = evalAccounts(input.labels, input.results.accounts, warnings);
  const campaigns = evalCampaigns(truths, input.results.campaigns, input.truth, warnings);
  if (input.interactions && !input.decisions) warnings.push('an interactions summary was given without decisions; it is unused');
  const online = input.decisions ? evalOnline(input.labels, truths, input.decisions, input.interactions, warnings) : null;
  return { accounts, campaigns, online, warnings };
}
