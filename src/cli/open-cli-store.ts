import { chooseStore, openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';

export interface CliStoreOptions {
  /** `--db`. */
  db?: string | undefined;
  /** The flow file of the command: its store is `.syncline/syncline.db` beside it. */
  file?: string | undefined;
  /** Commands that read state refuse a store that does not exist (STORE_NOT_FOUND) instead of creating one. */
  mustExist?: boolean;
}

/** Opens the command's state store: `--db`, else SYNCLINE_DB, else beside the flow file (see chooseStore). */
export function openCliStore(o: CliStoreOptions): Promise<StateStore> {
  const { location, chosenBy } = chooseStore({ db: o.db, file: o.file });
  return openStore(location, { chosenBy, ...(o.mustExist ? { mustExist: true } : {}) });
}
