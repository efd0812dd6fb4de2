/** A progress bar on stderr, shown only when stderr is a terminal (never in pipes, logs or CI). */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const noop: Progress = { update() {}, stop() {} };

export function progressBar(label: string, unit: 'bytes' | 'items' = 'bytes'): Progress {
  if (!process.stderr.isTTY || process.env.CI) return noop;
  const fmt = unit === 'bytes' ? (v: number) => `${(v / 1e6).toFixed(1)} MB` : (v: number) => v.toLocaleString('en-US');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {doneF} / {totalF} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { doneF: fmt(0), totalF: fmt(total) });
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { doneF: fmt(done), totalF: fmt(total) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
