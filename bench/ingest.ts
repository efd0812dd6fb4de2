/**
 * Ingest benchmark (not a test): generates realistic records with the simulator, writes them as plain JSONL, then
 * ingests them into a fresh store and prints records/s, MB/s of input and peak RSS of the whole process (workers and
 * DuckDB included).
 *
 *   npm run bench:ingest                       # 1M records
 *   npm run bench:ingest -- --records 10000000 # memory check on a 10M-record file
 *   options: --records N, --dir DIR (scratch, default ./bench/out), --workers N, --keep
 * The ingest runs in a child process, so the peak RSS printed is the ingest's alone.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import { simulate } from '../src/simulate/index.js';
import { ingest } from '../src/ingest/pipeline.js';
import { INGEST_MEMORY, Store } from '../src/store/store.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const records = Number(arg('records', '1000000'));
const dir = resolve(arg('dir', 'bench/out'));
const workers = process.argv.includes('--workers') ? Number(arg('workers', '2')) : undefined;
mkdirSync(dir, { recursive: true });

// seed-2026 at scale 1 is ~28.8M interactions plus benign traffic; pick the scale that gives about `records`.
const simDir = join(dir, `sim-${records}`);
const plain = join(dir, `interactions-${records}.jsonl`);
let haveFile = false;
try {
  haveFile = statSync(plain).size > 0;
} catch {
  /* generate */
}
if (!haveFile) {
  // Small scales keep minimum group sizes, so probe at a scale large enough to be proportional.
  const probe = await simulate({ preset: 'seed-2026', scale: 0.01, seed: 1, outDir: join(dir, 'probe') });
  const perScale = probe.interactions / 0.01;
  rmSync(join(dir, 'probe'), { recursive: true, force: true });
  const scale = (records / perScale) * 1.05; // a little over: the simulator's counts are approximate
  process.stderr.write(`generating ~${records.toLocaleString()} records (seed-2026, scale ${scale.toFixed(4)})...\n`);
  const s = await simulate({ preset: 'seed-2026', scale, seed: 7, outDir: simDir });
  await pipeline(createReadStream(join(simDir, 'interactions.jsonl.gz')), createGunzip(), createWriteStream(plain));
  process.stderr.write(`generated ${s.interactions.toLocaleString()} records in ${s.seconds.toFixed(1)} s\n`);
}
if (!process.argv.includes('--ingest-only')) {
  // Measure the ingest in a process of its own, so that its peak RSS is not the generator's.
  const r = spawnSync(process.execPath, [...process.argv.slice(1), '--ingest-only'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const bytes = statSync(plain).size;

const db = join(dir, `bench-${records}.duckdb`);
rmSync(db, { force: true });
rmSync(db + '.wal', { force: true });
const store = await Store.open(db, { memoryLimit: process.env.DISTILLGUARD_DUCKDB_MEMORY ?? INGEST_MEMORY });
let peak = 0;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 100);
const t0 = performance.now();
const r = await ingest(store, { files: [plain], workers, rejectsOut: join(dir, 'rejects.jsonl') });
const secs = (performance.now() - t0) / 1000;
clearInterval(sample);
store.close();
const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
const out = {
  records: r.read,
  accepted: r.accepted,
  rejected: r.rejected,
  duplicate: r.duplicate,
  input_mb: +(bytes / 1e6).toFixed(1),
  avg_record_bytes: Math.round(bytes / Math.max(r.read, 1)),
  seconds: +secs.toFixed(2),
  records_per_s: Math.round(r.read / secs),
  mb_per_s: +(bytes / 1e6 / secs).toFixed(1),
  peak_rss_mb: Math.round(maxRss / 1e6),
  store_mb: Math.round(statSync(db).size / 1e6),
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
if (!process.argv.includes('--keep')) rmSync(db, { force: true });
