import { chooseStore, openStore } from '../store/index.js';
import { createSyncline, type Syncline, type SynclineOptions } from './create-syncline.js';

/** Where a command's state store is. */
export interface StoreLocation {
  /** `--db`: a SQLite file path or a postgres:// URL. */
  readonly db?: string | undefined;
  /** The flow file of the command: its store is `.syncline/syncline.db` beside it. */
  readonly file?: string | undefined;
  /** Commands that read state refuse a store that does not exist (STORE_NOT_FOUND) instead of creating one. */
  readonly mustExist?: boolean;
  /**
   * `db`, else SYNCLINE_DB, else ./.syncline/syncline.db in the current folder, without looking beside a
   * flow file or in the folders above (`token`, `ids`, `connections test`).
   */
  readonly here?: boolean;
}

/**
 * An app over a store it opens itself (closing the app closes the store too). Opens the state store (`--db`, else SYNCLINE_DB, else .syncline/syncline.db beside the flow file, or
 * the nearest one from the current folder up) and the app over it.
 */
export async function openSyncline(where: StoreLocation, options: Omit<SynclineOptions, 'store'>): Promise<Syncline> {
  let store: Awaited<ReturnType<typeof openStore>>;
  if (where.here) {
    store = await openStore(where.db);
  } else {
    const chosen = chooseStore({ db: where.db, file: where.file, ...(options.env ? { env: { ...options.env } } : {}) });
    store = await openStore(chosen.location, {
      chosenBy: chosen.chosenBy,
      ...(where.mustExist ? { mustExist: true } : {}),
    });
  }
  const app = createSyncline({ ...options, store });
  return {
    ...app,
    close: async () => {
      try {
        await app.close();
      } finally {
        await store.close();
      }
    },
  };
}
