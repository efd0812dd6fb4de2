/**
 * Runs work units on worker threads (or in this thread) and hands the results to `sink` strictly in unit
 * order. At most a few units are in flight or waiting, so memory stays flat whatever the output size.
 * Raw (gzip level 0) unit buffers go back to the thread that made them once the sink is done with them.
 */
import { Worker } from 'node:worker_threads';
import { UnitGenerator, type UnitResult } from './generate.js';
import type { World, WorldConfig } from './world.js';

export async function runUnits(world: World, cfg: WorldConfig, units: ReadonlyArray<readonly [number, number]>, workers: number, sink: (r: UnitResult) => Promise<void>): Promise<void> {
  if (workers <= 0 || units.length <= 1) {
    const gen = new UnitGenerator(world);
    for (let i = 0; i < units.length; i++) {
      const [s0, s1] = units[i] as readonly [number, number];
      const r = gen.run(i, s0, s1);
      await sink(r);
      if (r.crc >= 0) gen.recycle(r.gz.buffer);
    }
    return;
  }
  const n = Math.min(workers, units.length);
  const maxAhead = 3 * n;
  const pool: Worker[] = [];
  const inFlight = new Map<Worker, number>();
  const done = new Map<number, UnitResult>();
  const madeBy = new Map<number, Worker>();
  let nextUnit = 0;
  let nextWrite = 0;
  let writing = Promise.resolve();
  let failed: Error | null = null;

  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      if (failed) return;
      failed = e;
      for (const w of pool) void w.terminate();
      reject(e);
    };
    const dispatch = () => {
      for (const w of pool) {
        while ((inFlight.get(w) ?? 0) < 2 && nextUnit < units.length && nextUnit < nextWrite + maxAhead) {
          const [s0, s1] = units[nextUnit] as readonly [number, number];
          w.postMessage({ unit: nextUnit, s0, s1 });
          inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
          nextUnit++;
        }
      }
    };
    const drain = () => {
      writing = writing.then(async () => {
        while (!failed && done.has(nextWrite)) {
          const r = done.get(nextWrite) as UnitResult;
          done.delete(nextWrite);
          await sink(r);
          const w = madeBy.get(nextWrite);
          madeBy.delete(nextWrite);
          if (r.crc >= 0 && w && !failed) w.postMessage({ recycle: r.gz.buffer }, [r.gz.buffer as ArrayBuffer]);
          nextWrite++;
          dispatch();
        }
        if (nextWrite === units.length && !failed) {
          for (const w of pool) w.postMessage(null);
          resolve();
        }
      }, fail);
    };
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { cfg } });
      pool.push(w);
      inFlight.set(w, 0);
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && nextWrite < units.length) fail(new Error(`simulate worker exited with code ${code}`));
      });
      w.on('message', (m: UnitResult | { ready: true }) => {
        if ('ready' in m) {
          if (++ready === n) dispatch();
          return;
        }
        inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
        done.set(m.unit, m);
        madeBy.set(m.unit, w);
        drain();
        dispatch();
      });
    }
  });
  await writing;
}
