/**
 * The streaming detector on a worker thread, for the gateway: the request path only reads a verdict table and hands
 * each finished call's log line over; parsing, deriving the interaction (text signals, MinHash), updating the
 * detector's state and rescoring run on the worker, on another core, with their garbage in another heap.
 *
 * Why: in the gateway's process the detector's per-call work ran on the event loop between requests, and its state
 * lived in the heap the request path collects garbage from (docs/gateway.md, Performance, has the measurements).
 *
 * What changes for enforcement: a verdict reaches the gateway when the worker has scored the call, not synchronously.
 * Lines are posted in batches (every `batchMs`, 25 ms by default) and verdict changes come back the same way, so an
 * account's verdict trails its call by some tens of milliseconds and a client calling back to back can get one more call
 * served than in process. If the worker falls more than `maxBacklog` lines behind, further lines are not observed
 * (counted in `dropped` and reported once through `onEvent`): the log still has every record; only detection skips
 * them.
 */
import { Worker } from 'node:worker_threads';
import type { ModelFile } from '../detect/model.js';
import type { AccountVerdict, VerdictSource } from '../enforce/verdicts.js';
import type { NormalizeOptions } from '../ingest/normalize.js';
import type { Account } from '../model/account.js';
import type { Interaction } from '../model/interaction.js';
import type { DetectorOptions } from './detector.js';

export interface DetectorThreadOptions {
  detector?: Partial<DetectorOptions>;
  normalize?: NormalizeOptions;
  /** Lines posted and not yet processed beyond which lines are dropped (default 200 000). */
  maxBacklog?: number;
  /** Lines are posted to the worker at most this long after the call (default 25 ms), in one message. */
  batchMs?: number;
  /** Operational events (worker failure, backlog). */
  onEvent?: (msg: string) => void;
}

/** Messages from the worker. */
export type FromWorker =
  | { kind: 'verdicts'; done: number; updates: [string, AccountVerdict][] }
  | { kind: 'rejected'; reason: string }
  | { kind: 'stats'; id: number; observed: number; accounts: number }
  | { kind: 'ready' };

export interface WorkerInit {
  model: ModelFile;
  accounts: Account[];
  detector: Partial<DetectorOptions>;
  normalize: NormalizeOptions | null;
}

/**
 * Lines per message at most. A message costs the sending thread about 0.1 ms whatever it holds (postMessage in a CPU
 * profile of `node dist/bench/gateway.js --profile`: a tenth of the request path's CPU at 1,000 calls/s with one
 * message per call, 7% with one per 5 ms), so lines are batched by time.
 */
const MAX_BATCH = 512;

export class DetectorThread implements VerdictSource {
  private readonly worker: Worker;
  private readonly table = new Map<string, AccountVerdict>();
  /** Log lines, or interactions already derived, in the order observed. */
  private batch: (string | Interaction)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly batchMs: number;
  private readonly maxBacklog: number;
  private readonly onEvent: (msg: string) => void;
  /** Lines posted to the worker, and processed by it. */
  posted = 0;
  processed = 0;
  /** Lines not observed because the worker was too far behind, or had failed. */
  dropped = 0;
  /** Log lines the worker could not read as an interaction (a bug if ever non-zero: the gateway wrote them). */
  rejected = 0;
  private failed: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly waiters: { n: number; resolve: () => void }[] = [];
  private statsWaiters = new Map<number, (s: { observed: number; accounts: number }) => void>();
  private statsId = 0;
  private readonly readyP: Promise<void>;
  private isReady = false;
  /** Someone awaits `ready()`. */
  private readyWanted = false;
  private markReady: () => void = () => {};

  constructor(model: ModelFile, accounts: Account[] = [], opts: DetectorThreadOptions = {}) {
    this.maxBacklog = opts.maxBacklog ?? 200_000;
    this.batchMs = opts.batchMs ?? 25;
    this.onEvent = opts.onEvent ?? (() => {});
    this.readyP = new Promise((r) => (this.markReady = r));
    const init: WorkerInit = { model, accounts, detector: opts.detector ?? {}, normalize: opts.normalize ?? null };
    this.worker = new Worker(new URL('./detector-worker.js', import.meta.url), { workerData: init });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => {
      this.failed = err;
      this.onEvent(`streaming detector thread failed: ${err.message}; verdicts stay as they were`);
      this.releaseWaiters();
      this.markReady();
    });
    this.worker.on('exit', (code) => {
      if (this.closing === null && this.failed === null) {
        this.failed = new Error(`exited with code ${code}`);
        this.onEvent(`streaming detector thread exited (code ${code}); verdicts stay as they were`);
      }
      this.releaseWaiters();
    });
    this.refreshRef();
  }

  /**
   * The worker keeps the process alive while it has lines to process or an answer owed (so `settled`, `stats` and
   * `ready` resolve), and not when idle: a gateway, a test or a tool can exit without closing it first.
   */
  private refreshRef(): void {
    if (this.processed < this.posted || this.statsWaiters.size > 0 || (this.readyWanted && !this.isReady)) this.worker.ref();
    else this.worker.unref();
  }

  verdict(accountId: string): AccountVerdict | undefined {
    return this.table.get(accountId);
  }

  /** An interaction already derived (tools, tests); the gateway calls `observeLine`. */
  observe(rec: Interaction): void {
    this.enqueue(rec);
  }

  /** One finished call, as its log line (JSON of the canonical record, without the newline). */
  observeLine(line: string): void {
    this.enqueue(line);
  }

  private enqueue(item: string | Interaction): void {
    if (this.failed !== null || this.closing !== null || this.posted - this.processed >= this.maxBacklog) {
      if (this.dropped++ === 0 && this.failed === null && this.closing === null) this.onEvent(`streaming detector thread is ${this.maxBacklog} calls behind: calls are logged but not observed until it catches up`);
      return;
    }
    this.batch.push(item);
    this.posted++;
    if (this.batch.length >= MAX_BATCH) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.batchMs);
  }

  private flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = [];
    this.worker.postMessage(b);
    this.refreshRef();
  }

  /**
   * Resolves once the worker has loaded the model and the accounts (or failed). Calls observed before are queued, not
   * lost; a gateway serves meanwhile with the verdicts it has.
   */
  ready(): Promise<void> {
    this.readyWanted = true;
    this.refreshRef();
    return this.readyP;
  }

  private onMessage(m: FromWorker): void {
    if (m.kind === 'ready') {
      this.isReady = true;
      this.markReady();
    } else if (m.kind === 'verdicts') {
      for (const [a, v] of m.updates) this.table.set(a, v);
      this.processed += m.done;
      while (this.waiters.length > 0 && this.waiters[0]!.n <= this.processed) this.waiters.shift()!.resolve();
    } else if (m.kind === 'rejected') {
      if (this.rejected++ === 0) this.onEvent(`streaming detector thread: a log line was not read as an interaction: ${m.reason}`);
    } else {
      this.statsWaiters.get(m.id)?.({ observed: m.observed, accounts: m.accounts });
      this.statsWaiters.delete(m.id);
    }
    this.refreshRef();
  }

  private releaseWaiters(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** Resolves when every line observed so far has been processed (and its verdict is readable here). */
  settled(): Promise<void> {
    this.flush();
    if (this.processed >= this.posted || this.failed !== null) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n: this.posted, resolve }));
  }

  /** The worker's detector's counters (interactions observed, accounts). */
  async stats(): Promise<{ observed: number; accounts: number }> {
    await this.settled();
    if (this.failed !== null) throw this.failed;
    const id = ++this.statsId;
    return new Promise((resolve) => {
      this.statsWaiters.set(id, resolve);
      this.worker.postMessage({ stats: id });
      this.refreshRef();
    });
  }

  /** Processes what was posted (up to `graceMs`), then stops the worker. */
  close(graceMs = 5_000): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      await Promise.race([this.settled(), new Promise((r) => setTimeout(r, graceMs).unref())]);
      await this.worker.terminate();
    })();
    return this.closing;
  }
}
