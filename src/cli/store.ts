/** Opening the store and ingesting a command's inputs first, as every command that reads the store does. */
import { Store, type StoreOptions } from '../store/store.js';
import { UserError } from './errors.js';
import { printIngestReport, runIngest, type IngestCliOptions } from './commands/ingest.js';

/** Opens the store; a store that cannot be opened is the user's to fix (one clear message). */
export function openStore(path: string, opts: StoreOptions = {}): Promise<Store> {
  return Store.open(path, opts).catch((e: Error) => {
    throw new UserError(e.message);
  });
}

/**
 * Ingests `inputs` (if any) into the store and prints the ingest report, then checks the store holds interactions
 * (`verb` completes "give log files to ..."). Returns the number of rejected records.
 */
export async function ingestInputs(store: Store, inputs: string[], o: IngestCliOptions, verb: string): Promise<number> {
  let rejected = 0;
  if (inputs.length) {
    const r = await runIngest(inputs, { ...o, format: 'auto', keepResponses: false, json: false }, store);
    printIngestReport(r);
    rejected = r.rejected;
  }
  const n = await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM interactions`);
  if (!Number(n?.n)) throw new UserError(`the store ${store.path} holds no interactions: give log files to ${verb}`);
  return rejected;
}
