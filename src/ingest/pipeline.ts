/**
 * The ingest pipeline: files -> (detect format) -> chunks of lines or rows -> workers (parse, adapt, validate,
 * derive) -> staging CSV -> DuckDB (deduplicated by id). Every record ends accepted, rejected (with file, line
 * and reason) or duplicate, and read = accepted + rejected + duplicate for every file and for the run.
 */
import { createWriteStream, mkdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FormatName } from './types.js';
import type { LineFormat } from './adapters.js';
import { adapterFor, nativeAdapter } from './adapters.js';
import { detectFormat, FormatError, readWhole } from './detect.js';
import { readLineChunks } from './lines.js';
import type { ChunkResult, RecordSink, RejectRecord, StageTarget } from './chunk.js';
import { processChunk, processValue, RowCollector } from './chunk.js';
import { ChunkPool } from './pool.js';
import type { NormalizeOptions } from './normalize.js';
import { DEFAULT_NORMALIZE } from './normalize.js';
import { readCsv } from './formats/csv.js';
import { readParquet } from './formats/parquet.js';
import { readAccounts } from './accounts.js';
import type { StagedFiles, Store } from '../store/store.js';

export interface IngestOptions {
  files: string[];
  accounts?: string[];
  format?: FormatName | 'auto';
  /** Column mapping for CSV and Parquet: canonical name -> column name. */
  map?: Record<string, string>;
  normalize?: Partial<NormalizeOptions>;
  /** Where this run's rejects are written as JSONL (file, line, sub, reason, excerpt). */
  rejectsOut?: string;
  /** Worker threads for parsing; 0 parses inline. Default: one per core. */
  workers?: number;
  /** Rows per load into the store (bounds staging disk and DuckDB memory). */
  batchRows?: number;
  /** Folder for staging files (default: beside the store). */
  tmpDir?: string;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface FileReport {
  path: string;
  format: FormatName;
  bytes: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  warnings: string[];
}

export interface AccountsReport {
  path: string;
  read: number;
  accepted: number;
  rejected: number;
}

export interface IngestReport {
  runId: string;
  files: FileReport[];
  accounts: AccountsReport[];
  read: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  bytes: number;
  seconds: number;
  rejectsFile: string | null;
  /** Accounts in account files with no interactions in the store (informational). */
  accountsWithoutInteractions: number;
}

/**
 * Staging files waiting to be loaded. Workers write their chunk's rows to files of their own (rows never cross
 * threads); rows produced on this thread are written here. Every `batchRows` rows the files are loaded.
 */
class Staging {
  private files: string[] = [];
  private idFiles: string[] = [];
  private systemFiles: string[] = [];
  private rows = 0;
  private n = 0;
  constructor(
    private dir: string,
    private run: string,
    private batchRows: number,
    private load: (staged: StagedFiles) => Promise<void>,
  ) {}

  target(): StageTarget {
    const k = this.n++;
    return { run: this.run, rowsPath: join(this.dir, `c${k}.csv`), idsPath: join(this.dir, `c${k}.ids.csv`), systemsPath: join(this.dir, `c${k}.sys.ndjson`) };
  }

  async add(r: ChunkResult): Promise<void> {
    if (r.stagedRows) this.files.push(r.stagedRows);
    if (r.stagedIds) this.idFiles.push(r.stagedIds);
    if (r.stagedSystems) this.systemFiles.push(r.stagedSystems);
    if (r.rows || r.systems) {
      const t = this.target();
      if (r.rows) {
        await writeFile(t.rowsPath, r.rows);
        await writeFile(t.idsPath, r.ids);
        this.files.push(t.rowsPath);
        this.idFiles.push(t.idsPath);
      }
      if (r.systems) {
        await writeFile(t.systemsPath, r.systems);
        this.systemFiles.push(t.systemsPath);
      }
    }
    this.rows += r.accepted;
    if (this.rows >= this.batchRows) await this.flush();
  }

  private loading: Promise<void> = Promise.resolve();

  /**
   * Start loading what is staged. Loading runs in DuckDB's threads while parsing goes on; at most one load is in
   * flight (the next flush waits for it), which bounds staging disk use to about two batches.
   */
  async flush(): Promise<void> {
    if (this.files.length === 0 && this.systemFiles.length === 0) return;
    const staged: StagedFiles = { rows: this.files, ids: this.idFiles, systems: this.systemFiles };
    this.files = [];
    this.idFiles = [];
    this.systemFiles = [];
    this.rows = 0;
    await this.loading;
    this.loading = this.load(staged).then(() => {
      for (const f of [...staged.rows, ...staged.ids, ...staged.systems]) rmSync(f, { force: true });
    });
    // Surface a failed load at the next await rather than as an unhandled rejection.
    this.loading.catch(() => {});
  }

  /** Load everything still staged and wait for it. */
  async finish(): Promise<void> {
    await this.flush();
    await this.loading;
  }
}

/** Appends reject records as NDJSON. */
class RejectWriter {
  private out: WriteStream;
  count = 0;
  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }
  async add(rs: RejectRecord[]): Promise<void> {
    if (rs.length === 0) return;
    this.count += rs.length;
    const text = rs.map((r) => JSON.stringify({ file: r.file, line: r.line, sub: r.sub ?? null, reason: r.reason, excerpt: r.excerpt })).join('\n') + '\n';
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
  end(): Promise<void> {
    return new Promise((res, rej) => this.out.end((e?: Error | null) => (e ? rej(e) : res())));
  }
}

export async function ingest(store: Store, opts: IngestOptions): Promise<IngestReport> {
  const t0 = performance.now();
  const runId = new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15) + '-' + randomUUID().slice(0, 8);
  const nopts: NormalizeOptions = { ...DEFAULT_NORMALIZE, ...(opts.normalize ?? {}) };
  const files = opts.files.map((f) => resolve(f));

  // Detect every format before reading anything: an unknown format stops the run with one clear error.
  const detected = [];
  for (const f of files) detected.push(await detectFormat(f, opts.format ?? 'auto'));
  const sizes = files.map((f) => statSync(f).size);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);

  const base = opts.tmpDir ?? (store.path === ':memory:' ? process.cwd() : dirname(resolve(store.path)));
  const tmp = join(base, `.distillguard-staging-${runId}`);
  mkdirSync(tmp, { recursive: true });
  const rejectsPath = join(tmp, 'rejects.ndjson');
  const rejects = new RejectWriter(rejectsPath);
  let duplicate = 0;
  const staging = new Staging(tmp, runId, opts.batchRows ?? 250_000, async (staged) => {
    const t = performance.now();
    // A staging line holds at most the kept prompt and response text (UTF-8: up to 3 bytes a character, doubled quotes).
    const r = await store.loadStaged(runId, staged, (nopts.promptChars + (nopts.keepResponses ? nopts.responseChars : 0)) * 6 + (1 << 20));
    duplicate += r.duplicate;
    if (process.env.DISTILLGUARD_TRACE) process.stderr.write(`[trace] loaded ${staged.rows.length} staging files in ${(performance.now() - t).toFixed(0)} ms\n`);
  });

  const workers = opts.workers ?? Math.min(4, Math.max(1, availableParallelism()));
  const pool = workers > 0 ? new ChunkPool(workers) : null;
  const reports: FileReport[] = [];
  let bytesBefore = 0;
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const det = detected[i]!;
      const rep: FileReport = { path: file, format: det.format, bytes: sizes[i]!, read: 0, accepted: 0, rejected: 0, duplicate: 0, warnings: [] };
      reports.push(rep);
      const tally = async (r: ChunkResult) => {
        rep.read += r.read;
        rep.accepted += r.accepted;
        rep.rejected += r.rejects.length;
        await rejects.add(r.rejects);
        await staging.add(r);
      };
      const progress = (n: number) => opts.onProgress?.(bytesBefore + n, bytesTotal);
      if (det.empty) {
        rep.warnings.push('empty file: no records');
      } else if (det.format === 'csv' || det.format === 'parquet') {
        await ingestRows(file, i, det.format, opts.map ?? {}, nopts, runId, tally);
      } else if (det.wholeDocument) {
        await ingestDocument(file, i, det.format, nopts, runId, tally, rep);
      } else {
        await ingestLines(file, i, det.format, nopts, runId, pool, staging, tally, rep, progress);
      }
      bytesBefore += sizes[i]!;
      opts.onProgress?.(bytesBefore, bytesTotal);
    }
    await staging.finish();

    const accountsReports: AccountsReport[] = [];
    for (const af of opts.accounts ?? []) {
      accountsReports.push(await readAccounts(store, resolve(af), tmp, (rs) => rejects.add(rs)));
    }
    await rejects.end();
    await store.loadRejects(runId, rejectsPath);

    // Per-file duplicate counts come from the store (dedupe runs there); accepted excludes them.
    const dups = await store.all<{ file: string; n: number }>(
      `SELECT file, count(*)::BIGINT AS n FROM rejects WHERE run_id = '${runId}' AND reason LIKE 'duplicate id %' GROUP BY file`,
    );
    for (const d of dups) {
      const rep = reports.find((r) => r.path === d.file);
      if (rep) {
        rep.duplicate = Number(d.n);
        rep.accepted -= rep.duplicate;
      }
    }
    const sum = (k: 'read' | 'accepted' | 'rejected' | 'duplicate') => reports.reduce((a, r) => a + r[k], 0);
    const report: IngestReport = {
      runId,
      files: reports,
      accounts: accountsReports,
      read: sum('read'),
      accepted: sum('accepted'),
      rejected: sum('rejected'),
      duplicate: sum('duplicate'),
      bytes: bytesTotal,
      seconds: (performance.now() - t0) / 1000,
      rejectsFile: null,
      accountsWithoutInteractions: 0,
    };
    if (report.duplicate !== duplicate) throw new Error(`internal: duplicate counts disagree (${report.duplicate} vs ${duplicate})`);
    if (opts.accounts?.length) {
      const r = await store.one<{ n: number }>(
        `SELECT count(*)::BIGINT AS n FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = a.account_id)`,
      );
      report.accountsWithoutInteractions = Number(r?.n ?? 0);
    }
    const totalRejects = report.rejected + report.duplicate + accountsReports.reduce((a, r) => a + r.rejected, 0);
    if (opts.rejectsOut && totalRejects > 0) {
      await store.exportRejects(runId, resolve(opts.rejectsOut));
      report.rejectsFile = resolve(opts.rejectsOut);
    }
    await store.run(`INSERT INTO ingest_runs VALUES ('${runId}', to_timestamp(${Date.now() / 1000 - report.seconds}), now(), ${files.length},
      ${report.read}, ${report.accepted}, ${report.rejected}, ${report.duplicate}, ${sqlText(JSON.stringify({ normalize: nopts, format: opts.format ?? 'auto' }))})`);
    for (const r of reports) {
      await store.run(`INSERT INTO ingest_files VALUES ('${runId}', ${sqlText(r.path)}, '${r.format}', ${r.bytes}, ${r.read}, ${r.accepted}, ${r.rejected}, ${r.duplicate}, ${sqlText(r.warnings.join('; '))})`);
    }
    return report;
  } finally {
    await pool?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function ingestLines(
  file: string,
  fileIndex: number,
  format: LineFormat,
  nopts: NormalizeOptions,
  run: string,
  pool: ChunkPool | null,
  staging: Staging,
  tally: (r: ChunkResult) => Promise<void>,
  rep: FileReport,
  progress: (n: number) => void,
): Promise<void> {
  const adapter = adapterFor(format);
  const inflight: Promise<ChunkResult>[] = [];
  // Two chunks per worker in flight keep both busy; more only holds memory.
  const maxInflight = pool ? 2 * pool.size : 0;
  const label = file;
  for await (const ev of readLineChunks(file, { onBytes: progress })) {
    if (ev.kind === 'warning') {
      rep.warnings.push(ev.message);
      continue;
    }
    if (ev.kind === 'reject') {
      await tally({ read: 1, accepted: 0, rows: '', ids: '', systems: '', rejects: [{ file: label, line: ev.line, reason: ev.reason, excerpt: ev.excerpt }] });
      continue;
    }
    if (!pool) {
      await tally(processChunk(ev.buf, ev.startLine, label, fileIndex, adapter, nopts, run));
      continue;
    }
    inflight.push(pool.run({ buf: ev.buf, startLine: ev.startLine, file: label, fileIndex, format, opts: nopts, run, target: staging.target() }));
    // Results are tallied in submission order; ordering does not matter for dedupe (rows carry `ord`).
    while (inflight.length >= maxInflight) await tally(await inflight.shift()!);
  }
  while (inflight.length) await tally(await inflight.shift()!);
}

/** A file that is one JSON document: an array of records (element k is "line" k+1) or one object. */
async function ingestDocument(
  file: string,
  fileIndex: number,
  format: LineFormat,
  nopts: NormalizeOptions,
  run: string,
  tally: (r: ChunkResult) => Promise<void>,
  rep: FileReport,
): Promise<void> {
  const text = await readWhole(file);
  if (text === null) throw new FormatError(`${file}: cannot read it as one JSON document (over 1 GiB or unreadable)`);
  const doc = JSON.parse(text) as unknown;
  rep.warnings.push(Array.isArray(doc) ? 'read as one JSON array: line numbers are element numbers' : 'read as one JSON document');
  const values = Array.isArray(doc) ? doc : [doc];
  const adapter = adapterFor(format);
  const batch = collector(run);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    batch.res.read += processValue(v, adapter, nopts, file, fileIndex, k + 1, JSON.stringify(v)?.slice(0, 400) ?? '', batch.sink);
    if (batch.res.read >= 10000) await tally(batch.take());
  }
  await tally(batch.take());
}

function collector(run: string): { sink: RecordSink; res: ChunkResult; take: () => ChunkResult } {
  const rows = new RowCollector(run);
  const empty = (): ChunkResult => ({ read: 0, accepted: 0, rejects: [], rows: '', ids: '', systems: '' });
  const c = {
    res: empty(),
    sink: {
      accept(rec, ord) {
        c.res.accepted++;
        rows.add(rec, ord);
      },
      reject(r) {
        c.res.rejects.push(r);
      },
    } as RecordSink,
    take(): ChunkResult {
      const out = { ...c.res, ...rows.take() };
      c.res = empty();
      return out;
    },
  };
  return c;
}

/** CSV and Parquet: the readers give canonical-named rows; validation and derivation run here. */
async function ingestRows(
  file: string,
  fileIndex: number,
  format: 'csv' | 'parquet',
  map: Record<string, string>,
  nopts: NormalizeOptions,
  run: string,
  tally: (r: ChunkResult) => Promise<void>,
): Promise<void> {
  const batch = collector(run);
  const source = format === 'csv' ? readCsv(file, { map }) : readParquet(file, { map });
  for await (const items of source) {
    for (const it of items) {
      if ('reject' in it) {
        batch.res.read++;
        batch.sink.reject({ file, line: it.line, reason: it.reject, excerpt: '' });
        continue;
      }
      batch.res.read += processValue(it.value, nativeAdapter, nopts, file, fileIndex, it.line, excerptOf(it.value), batch.sink);
    }
    if (batch.res.read >= 10000) await tally(batch.take());
  }
  await tally(batch.take());
}

function excerptOf(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? '').slice(0, 200);
  } catch {
    return '';
  }
}

export function describeFile(r: FileReport): string {
  return `${basename(r.path)} [${r.format}]: read ${r.read}, accepted ${r.accepted}, rejected ${r.rejected}, duplicate ${r.duplicate}`;
}
