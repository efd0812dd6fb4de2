/** What every route handler reaches: the store, its shape, the policy, caches and the security settings. */
import type { Db } from './db.js';
import type { StoreShape } from './derived.js';
import type { PolicyState } from './policy-state.js';
import type { WindowAccounts } from './policy-sim.js';
import type { SecurityOptions, Sessions } from './security.js';

export interface ServerContext {
  db: Db;
  shape: StoreShape;
  policy: PolicyState;
  window: WindowAccounts;
  security: SecurityOptions;
  sessions: Sessions;
  /** File name of the store (shown in the app). */
  storeName: string;
  version: string;
  /** Folder of the built web app (web/dist), or null when it is not built. */
  webRoot: string | null;
}
