import type { TokenStore } from '../sdk/index.js';
import { createSealedTokenStore, loadMasterKey, warnOnStderr } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';

/** A sealed TokenStore that loads (or creates) the master key only when a connector first uses it. */
export function lazyTokenStore(store: StateStore): TokenStore {
  let inner: Promise<TokenStore> | undefined;
  const open = () => {
    inner ??= loadMasterKey({ warn: warnOnStderr }).then((key) => createSealedTokenStore(store, key ? [key] : []));
    return inner;
  };
  return {
    load: async (key) => (await open()).load(key),
    save: async (key, value) => (await open()).save(key, value),
  };
}
