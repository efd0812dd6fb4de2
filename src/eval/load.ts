/**
 * Reading every input of an evaluation from disk: labels, a results folder, and optionally decisions,
 * the interactions file and the campaign truth. Errors are UserErrors naming the file (and line).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../cli/errors.js';
import { AccountLabelSchema, CampaignTruthSchema, type AccountLabel, type CampaignTruth } from '../model/labels.js';
import {
  AccountResultSchema,
  CampaignResultsSchema,
  DecisionSchema,
  RESULT_FILES,
  type AccountResult,
  type Decision,
} from '../model/results.js';
import { servedPlan, summarizeInteractions } from './interactions.js';
import { firstBlockTimes } from './online.js';
import { readJsonFile, readJsonl, readJsonlArray } from './read.js';
import type { EvalInput } from './types.js';

/** Where the inputs are. */
export interface EvalPaths {
  labels: string;
  /** The results folder holding accounts.jsonl and campaigns.json. */
  results: string;
  decisions?: string;
  interactions?: string;
  /** campaigns_truth.json; when absent, the file of that name beside the labels is used if it exists. */
  truth?: string;
}

/** Read a JSON Lines file of records keyed by account_id, rejecting duplicates with file:line. */
async function readKeyed<S extends z.ZodType<{ account_id: string }>>(path: string, schema: S): Promise<z.output<S>[]> {
  const seen = new Map<string, number>();
  const out: z.output<S>[] = [];
  await readJsonl(path, schema, (r, line) => {
    const first = seen.get(r.account_id);
    if (first !== undefined) throw new UserError(`${path}:${line}: duplicate account_id ${r.account_id} (first on line ${first})`);
    seen.set(r.account_id, line);
    out.push(r);
  });
  return out;
}

export function readLabels(path: string): Promise<AccountLabel[]> {
  return readKeyed(path, AccountLabelSchema);
}

export function readAccountResults(path: string): Promise<AccountResult[]> {
  return readKeyed(path, AccountResultSchema);
}

export function readDecisions(path: string): Promise<Decision[]> {
  return readJsonlArray(path, DecisionSchema);
}

export function readTruth(path: string): Promise<CampaignTruth[]> {
  return readJsonFile(path, z.array(CampaignTruthSchema));
}

/** The default truth file: campaigns_truth.json beside the labels. */
export function defaultTruthPath(labelsPath: string): string {
  return join(dirname(labelsPath), 'campaigns_truth.json');
}

/** Read every input. With both decisions and interactions, streams the interactions file once. */
export async function loadEvalInput(paths: EvalPaths): Promise<EvalInput> {
  if (!existsSync(paths.results)) throw new UserError(`${paths.results}: no such results folder`);
  const labels = await readLabels(paths.labels);
  const accounts = await readAccountResults(join(paths.results, RESULT_FILES.accounts));
  const campaigns = await readJsonFile(join(paths.results, RESULT_FILES.campaigns), CampaignResultsSchema);
  const input: EvalInput = { labels, results: { accounts, campaigns } };

  const truthPath = paths.truth ?? defaultTruthPath(paths.labels);
  if (paths.truth !== undefined || existsSync(truthPath)) input.truth = await readTruth(truthPath);

  if (paths.decisions !== undefined) input.decisions = await readDecisions(paths.decisions);
  if (paths.interactions !== undefined) {
    if (!input.decisions) throw new UserError('--interactions needs --decisions: it is used for the online figures');
    const plan = servedPlan(labels, firstBlockTimes(input.decisions));
    input.interactions = await summarizeInteractions(paths.interactions, plan);
  }
  return input;
}
