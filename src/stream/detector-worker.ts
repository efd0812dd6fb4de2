/**
 * Worker side of DetectorThread: reads the gateway's log lines (or interactions already derived), derives each interaction exactly as ingest does
 * (`normalize`) and feeds the streaming detector; after each batch, sends back the verdicts that changed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_NORMALIZE, normalize } from '../ingest/normalize.js';
import type { AccountVerdict } from '../enforce/verdicts.js';
import type { Interaction } from '../model/interaction.js';
import { OnlineDetector } from './detector.js';
import type { FromWorker, WorkerInit } from './detector-thread.js';

const init = workerData as WorkerInit;
const det = new OnlineDetector(init.model, init.accounts, init.detector);
const opts = init.normalize ?? DEFAULT_NORMALIZE;
/** The verdict object last sent per account: the detector replaces it when it rescores. */
const sent = new Map<string, AccountVerdict>();
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: (string | Interaction)[] | { stats: number }) => {
  if (!Array.isArray(m)) {
    post({ kind: 'stats', id: m.stats, observed: det.observed, accounts: det.accounts });
    return;
  }
  const touched = new Set<string>();
  for (const item of m) {
    if (typeof item !== 'string') {
      det.observe(item);
      touched.add(item.account_id);
      continue;
    }
    const line = item;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      post({ kind: 'rejected', reason: (err as Error).message });
      continue;
    }
    const n = normalize(value as Record<string, unknown>, opts, 'gateway', 0);
    if (!n.ok) {
      post({ kind: 'rejected', reason: n.reason });
      continue;
    }
    det.observe(n.rec);
    touched.add(n.rec.account_id);
  }
  const updates: [string, AccountVerdict][] = [];
  for (const a of touched) {
    const v = det.verdict(a);
    if (v !== undefined && sent.get(a) !== v) {
      sent.set(a, v);
      updates.push([a, v]);
    }
  }
  post({ kind: 'verdicts', done: m.length, updates });
});
post({ kind: 'ready' });
