/** Worker thread: rebuilds the world from its configuration and generates + compresses the units it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UnitGenerator, type UnitResult } from './generate.js';
import { World, type WorldConfig } from './world.js';

const port = parentPort;
if (!port) throw new Error('simulate worker started outside a worker thread');
const gen = new UnitGenerator(new World((workerData as { cfg: WorldConfig }).cfg));

port.on('message', (m: { unit: number; s0: number; s1: number } | { recycle: ArrayBuffer } | null) => {
  if (m === null) {
    port.close();
    return;
  }
  if ('recycle' in m) {
    gen.recycle(m.recycle);
    return;
  }
  const r: UnitResult = gen.run(m.unit, m.s0, m.s1);
  // transfer buffers that own their memory (a view keeps its offset and length); copy small ones, which may
  // be slices of Node's shared allocation pool
  const gz = r.gz.buffer.byteLength > Buffer.poolSize ? r.gz : r.gz.slice();
  r.gz = gz;
  port.postMessage(r, [gz.buffer as ArrayBuffer, r.acct.buffer as ArrayBuffer, r.camp.buffer as ArrayBuffer]);
});
port.postMessage({ ready: true });
