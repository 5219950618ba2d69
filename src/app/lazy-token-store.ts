import type { TokenStore } from '../sdk/index.js';
import { createSealedTokenStore } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';
import type { MasterKeyLoader } from './stored-secrets.js';

/** A sealed TokenStore that loads (or creates) the master key only when a connector first uses it. */
export function lazyTokenStore(store: StateStore, masterKey: MasterKeyLoader): TokenStore {
  let inner: Promise<TokenStore> | undefined;
  const open = () => {
    inner ??= masterKey(true).then((key) => createSealedTokenStore(store, key ? [key] : []));
    return inner;
  };
  return {
    load: async (key) => (await open()).load(key),
    save: async (key, value) => (await open()).save(key, value),
  };
}
