/**
 * Simulator benchmark (not a test): generates about 1M interactions (seed-2026) and prints interactions/s,
 * MB/s (raw JSONL and gzip), CPU time (user + system, all threads) per million interactions and peak RSS of the
 * whole process (worker threads included). On a shared machine, CPU time per interaction is the steadier figure.
 *
 *   node dist/bench/simulate.js [--scale 0.025] [--preset seed-2026] [--workers N] [--gzip-level 0-9] [--dir DIR] [--keep]
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simulate, type PresetName } from '../src/simulate/index.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}

const preset = arg('preset', 'seed-2026') as PresetName;
const scale = Number(arg('scale', '0.025'));
const dir = resolve(arg('dir', join(tmpdir(), `dg-bench-simulate-${process.pid}`)));
const workers = process.argv.includes('--workers') ? Number(arg('workers', '2')) : undefined;
const gzipLevel = process.argv.includes('--gzip-level') ? Number(arg('gzip-level', '1')) : undefined;

let peak = 0;
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 100);
const cpu0 = process.cpuUsage();
const s = await simulate({ preset, scale, seed: 7, outDir: dir, workers, gzipLevel });
const cpu = process.cpuUsage(cpu0);
clearInterval(sample);
const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
const gz = s.files['interactions.jsonl.gz'] ?? 0;
process.stdout.write(
  JSON.stringify(
    {
      preset,
      scale,
      gzip_level: gzipLevel ?? 1,
      interactions: s.interactions,
      accounts: s.accounts,
      seconds: +s.seconds.toFixed(2),
      interactions_per_s: Math.round(s.interactions_per_second),
      raw_mb_per_s: +(s.raw_bytes / 1e6 / s.seconds).toFixed(1),
      gzip_mb_per_s: +(gz / 1e6 / s.seconds).toFixed(1),
      cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(2),
      cpu_s_per_million: +((cpu.user + cpu.system) / Math.max(1, s.interactions)).toFixed(1),
      avg_record_bytes: Math.round(s.raw_bytes / Math.max(1, s.interactions)),
      gzip_mb: +(gz / 1e6).toFixed(1),
      peak_rss_mb: Math.round(maxRss / 1e6),
    },
    null,
    2,
  ) + '\n',
);
if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
