/** Ingest worker thread: parses, validates and normalises chunks of lines (see chunk.ts). */
import { parentPort } from 'node:worker_threads';
import type { LineFormat } from './adapters.js';
import { adapterFor } from './adapters.js';
import { processChunk, type StageTarget } from './chunk.js';
import type { NormalizeOptions } from './normalize.js';

export interface ChunkTask {
  id: number;
  buf: Uint8Array;
  startLine: number;
  file: string;
  fileIndex: number;
  format: LineFormat;
  opts: NormalizeOptions;
  run: string;
  target?: StageTarget;
}

parentPort?.on('message', (t: ChunkTask) => {
  try {
    const res = processChunk(t.buf, t.startLine, t.file, t.fileIndex, adapterFor(t.format), t.opts, t.run, t.target);
    parentPort!.postMessage({ id: t.id, res });
  } catch (err) {
    // A bug, not bad input (bad input becomes rejects): report it to the main thread rather than dying.
    parentPort!.postMessage({ id: t.id, error: (err as Error).stack ?? String(err) });
  }
});
