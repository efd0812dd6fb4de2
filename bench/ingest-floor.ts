/**
 * Where the ingest's time per byte goes, stage by stage, on one thread (a benchmark, not a test): the floor under
 * `npm run bench:ingest`'s MB/s. For the first `--records` lines of a JSONL file (default: the file `npm run
 * bench:ingest` leaves in bench/out), it measures the CPU time (process.cpuUsage) of:
 *
 *   parse       splitting and decoding the lines and JSON.parse, nothing else (parseLines with a no-op callback)
 *   derive      deriving the interaction fields from the request and response bodies (deriveFromBodies)
 *   signals     the per-request text signals the detection needs (textSignals on the derived prompt and system)
 *   worker      all of an ingest worker's work on the same lines (processChunk: parse, validate, derive, signals,
 *               hashes, staging rows), without the load into DuckDB
 *   duckdb      for comparison, DuckDB's own JSON reader (`read_ndjson_objects`, 2 threads) counting the same lines
 *
 * and prints MB of input per CPU-second for each, and the rate two cores would reach if the worker stage were the
 * only work (2 × the worker's MB per CPU-second: the loads into DuckDB, which run on the same cores, not counted).
 *
 *   node dist/bench/ingest-floor.js [--file bench/out/interactions-1000000.jsonl] [--records 100000]
 */
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { adapterFor } from '../src/ingest/adapters.js';
import { parseLines, processChunk, type RejectRecord } from '../src/ingest/chunk.js';
import { deriveFromBodies } from '../src/ingest/derive/index.js';
import { DEFAULT_NORMALIZE } from '../src/ingest/normalize.js';
import { textSignals } from '../src/signals/text/index.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const file = resolve(arg('file', 'bench/out/interactions-1000000.jsonl'));
const records = Number(arg('records', '100000'));
if (!existsSync(file)) {
  process.stderr.write(`no input file ${file}: run \`npm run bench:ingest -- --keep\` first, or pass --file\n`);
  process.exit(2);
}

// The first `records` lines, read once in 16 MB steps (reading is not measured; the bench file is 1.9 GB).
function firstLines(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  const parts: Buffer[] = [];
  let lines = 0;
  try {
    for (;;) {
      const b = Buffer.allocUnsafe(16 << 20);
      const got = readSync(fd, b, 0, b.length, null);
      if (got === 0) break;
      let end = 0;
      while (lines < n && end < got) {
        const nl = b.indexOf(10, end);
        if (nl < 0 || nl >= got) {
          end = got;
          break;
        }
        end = nl + 1;
        lines++;
      }
      parts.push(b.subarray(0, end));
      if (lines >= n) break;
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(parts);
}
const buf = firstLines(file, records);
const mb = buf.length / 1e6;

function cpu<T>(fn: () => T): { value: T; s: number } {
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, s: (c.user + c.system) / 1e6 };
}

const results: Array<{ stage: string; cpu_s: number; mb_per_cpu_s: number }> = [];
const add = (stage: string, s: number) => results.push({ stage, cpu_s: +s.toFixed(2), mb_per_cpu_s: +(mb / s).toFixed(1) });

// Warm-up (JIT) on a slice, then each stage on the whole input.
const warm = buf.subarray(0, Math.min(buf.length, 20_000_000));
processChunk(warm, 1, file, 0, adapterFor('jsonl'), DEFAULT_NORMALIZE, 'floor');

// parse alone: the values are dropped as they come, as a worker drops them once staged.
const rejects: RejectRecord[] = [];
const parse = cpu(() => parseLines(buf, 1, file, rejects, () => 1));
add('parse', parse.s);

// derive and signals, each timed on its own over batches of parsed values (a batch is parsed untimed first, so
// that the values live only as long as a worker's would).
type Body = { request?: Record<string, unknown> | null; response?: unknown; endpoint?: string | null };
let deriveS = 0;
let signalsS = 0;
for (let from = 0; from < buf.length; ) {
  let to = from;
  for (let i = 0; i < 2000 && to < buf.length; i++) {
    const nl = buf.indexOf(10, to);
    to = nl < 0 ? buf.length : nl + 1;
  }
  const values: Body[] = [];
  parseLines(buf.subarray(from, to), 1, file, rejects, (v) => values.push(v as Body));
  const d = cpu(() => values.map((v) => deriveFromBodies(v.request ?? null, v.response, { endpoint: v.endpoint ?? null })));
  deriveS += d.s;
  signalsS += cpu(() => {
    let n = 0;
    for (const x of d.value) n += textSignals(x.prompt, x.system, x).cot;
    return n;
  }).s;
  from = to;
}
add('derive', deriveS);
add('signals', signalsS);

const worker = cpu(() => processChunk(buf, 1, file, 0, adapterFor('jsonl'), DEFAULT_NORMALIZE, 'floor'));
add('worker', worker.s);

// DuckDB's reader on the same lines (wall time: its threads are not this thread).
const dir = mkdtempSync(join(tmpdir(), 'dg-floor-'));
const slice = join(dir, 'slice.jsonl');
writeFileSync(slice, buf);
const inst = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await inst.connect();
const t0 = performance.now();
const c0 = process.cpuUsage();
await con.run(`SELECT count(*) FROM read_ndjson_objects('${slice.replace(/'/g, "''")}')`);
const dc = process.cpuUsage(c0);
const wall = (performance.now() - t0) / 1000;
add('duckdb', (dc.user + dc.system) / 1e6);
con.closeSync();
rmSync(dir, { recursive: true, force: true });

const w = results.find((r) => r.stage === 'worker')!;
process.stdout.write(
  JSON.stringify(
    {
      file,
      records: worker.value.read,
      accepted: worker.value.accepted,
      input_mb: +mb.toFixed(1),
      stages: results,
      duckdb_wall_mb_per_s: +(mb / wall).toFixed(1),
      two_core_ceiling_mb_per_s: +(2 * w.mb_per_cpu_s).toFixed(1),
    },
    null,
    2,
  ) + '\n',
);
