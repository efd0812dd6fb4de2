/** Worker thread: rebuilds the world from its configuration and generates + compresses the units it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UnitGenerator, type UnitResult } from './generate.js';
import { World, type WorldConfig } from './world.js';

const port = parentPort;
if (!port) throw new Error('simulate worker started outside a worker thread');
const gen = new UnitGenerator(new World((workerData as { cfg: WorldConfig }).cfg));

port.on('message', (m: { unit: number; s0: number; s1: number } | null) => {
  if (m === null) {
    port.close();
    return;
  }
  const r: UnitResult = gen.run(m.unit, m.s0, m.s1);
  // transfer buffers that own their memory; copy the rest
  const gz = r.gz.byteOffset === 0 && r.gz.byteLength === r.gz.buffer.byteLength ? r.gz : r.gz.slice();
  r.gz = gz;
  port.postMessage(r, [gz.buffer as ArrayBuffer, r.acct.buffer as ArrayBuffer, r.camp.buffer as ArrayBuffer]);
});
port.postMessage({ ready: true });
