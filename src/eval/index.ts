/** The evaluation harness: score detection outputs against the simulator's ground truth. */
export { runEval } from './run.js';
export { formatReport } from './format.js';
export { loadEvalInput, readLabels, readAccountResults, readDecisions, readTruth, defaultTruthPath, type EvalPaths } from './load.js';
export { summarizeInteractions, servedPlan, type ServedPlan } from './interactions.js';
export { firstBlockTimes } from './online.js';
export { forEachLine, readJsonl, readJsonlArray, readJsonFile } from './read.js';
export type * from './types.js';
