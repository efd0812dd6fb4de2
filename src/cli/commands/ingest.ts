/** `distillguard ingest`: load API logs into the embedded store. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { ingest, type IngestReport } from '../../ingest/pipeline.js';
import { FormatError } from '../../ingest/detect.js';
import { FORMATS, type FormatName } from '../../ingest/types.js';
import { DEFAULT_DB, INGEST_MEMORY, Store } from '../../store/store.js';
import { EXIT, UserError } from '../errors.js';
import { day, int, table } from '../format.js';
import { progressBar } from '../progress.js';

export interface IngestCliOptions {
  accounts?: string[];
  db: string;
  format: FormatName | 'auto';
  map?: string;
  promptChars: string;
  prompts: boolean;
  keepResponses: boolean;
  rejects?: string;
  strict: boolean;
  workers?: string;
  json: boolean;
}

/** The ingest command's defaults, for commands that ingest on the user's behalf (demo, train). */
export function ingestDefaults(db: string, extra: Partial<IngestCliOptions> = {}): IngestCliOptions {
  return { db, format: 'auto', promptChars: '2000', prompts: true, keepResponses: false, strict: false, json: false, ...extra };
}

/** Parse `--map account_id=user,ts=timestamp` into {account_id: 'user', ts: 'timestamp'}. */
export function parseMap(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const part of s.split(',')) {
    const m = /^\s*([A-Za-z_][\w]*)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw new UserError(`--map: expected canonical=column pairs separated by commas, got "${part}"`, EXIT.USAGE);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function nonNegInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name}: expected a whole number ≥ 0, got "${v}"`, EXIT.USAGE);
  return n;
}

/** Ingest with the CLI's options; shared by `ingest`, `analyze` and `demo`. */
export async function runIngest(files: string[], o: IngestCliOptions, store: Store): Promise<IngestReport> {
  const bar = progressBar('ingest');
  try {
    return await ingest(store, {
      files,
      accounts: o.accounts,
      format: o.format,
      map: parseMap(o.map),
      normalize: { promptChars: o.prompts ? nonNegInt('--prompt-chars', o.promptChars) : 0, keepResponses: o.keepResponses },
      rejectsOut: o.rejects ?? `${o.db === ':memory:' ? 'distillguard' : o.db.replace(/\.duckdb$/, '')}.rejects.jsonl`,
      workers: o.workers === undefined ? undefined : nonNegInt('--workers', o.workers),
      onProgress: (d, t) => bar.update(d, t),
    });
  } catch (err) {
    if (err instanceof FormatError) throw new UserError(err.message);
    throw err;
  } finally {
    bar.stop();
  }
}

export function printIngestReport(r: IngestReport, out: NodeJS.WritableStream = process.stdout): void {
  const rows = r.files.map((f) => [f.path, f.format, f.read, f.accepted, f.rejected, f.duplicate]);
  rows.push(['total', '', r.read, r.accepted, r.rejected, r.duplicate]);
  out.write(table(rows, ['file', 'format', 'read', 'accepted', 'rejected', 'duplicate']) + '\n');
  for (const f of r.files) for (const w of f.warnings) out.write(`warning: ${f.path}: ${w}\n`);
  for (const a of r.accounts) out.write(`accounts ${a.path}: read ${int(a.read)}, accepted ${int(a.accepted)}, rejected ${int(a.rejected)}\n`);
  if (r.accountsWithoutInteractions > 0) out.write(`note: ${int(r.accountsWithoutInteractions)} accounts in the accounts file(s) have no interactions in the store\n`);
  const mb = r.bytes / 1e6;
  out.write(`${int(r.read)} records in ${r.seconds.toFixed(1)} s (${int(r.read / Math.max(r.seconds, 1e-6))} records/s, ${(mb / Math.max(r.seconds, 1e-6)).toFixed(1)} MB/s of input)\n`);
  if (r.rejectsFile) out.write(`rejects and duplicates (file, line, reason): ${r.rejectsFile}\n`);
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Load API logs into the embedded DuckDB store. Every record is accepted, rejected (with file, line and reason) or counted as a duplicate.')
    .argument('<files...>', 'log files: JSONL (plain or .gz), OpenAI or Anthropic logs, OTLP/JSON, CSV or Parquet')
    .option('--accounts <file...>', 'account records (JSONL): account_id, created_at, tier, verified, email_domain, payment_fingerprint, signup_ip, country')
    .option('--db <file>', 'DuckDB store file', DEFAULT_DB)
    .addOption(new Option('--format <name>', 'input format (default: detected per file)').choices(['auto', ...FORMATS]).default('auto'))
    .option('--map <pairs>', 'CSV/Parquet column mapping, canonical=column, comma-separated (e.g. account_id=user,ts=timestamp)')
    .option('--prompt-chars <n>', 'characters of prompt and system text kept per record', '2000')
    .option('--no-prompts', 'keep no prompt text at all (hashes and lengths only), for privacy')
    .option('--keep-responses', 'also keep response text (not kept by default)', false)
    .option('--rejects <file>', 'where to write rejected records (default: <db>.rejects.jsonl)')
    .option('--strict', 'exit with code 2 if any record is rejected', false)
    .option('--workers <n>', 'parser threads (default: one per core; 0 parses inline)')
    .option('--json', 'print the report as JSON', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 done (rejects are reported, not fatal); 1 unreadable file or unknown format; 2 --strict and some records were rejected; 3 usage error.',
    )
    .action(async (files: string[], o: IngestCliOptions) => {
      const store = await Store.open(o.db, { memoryLimit: process.env.DISTILLGUARD_DUCKDB_MEMORY ?? INGEST_MEMORY }).catch((e: Error) => {
        throw new UserError(e.message);
      });
      try {
        const r = await runIngest(files, o, store);
        if (o.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        else {
          printIngestReport(r);
          const s = await store.summary();
          process.stdout.write(
            `store ${o.db}: ${int(s.interactions)} interactions from ${int(s.accountsSeen)} accounts, ${day(s.firstTs)} to ${day(s.lastTs)}\n`,
          );
        }
        if (o.strict && r.rejected + r.accounts.reduce((a, x) => a + x.rejected, 0) > 0) process.exitCode = EXIT.REJECTS;
      } finally {
        store.close();
      }
    });
}
