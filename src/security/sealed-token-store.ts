import type { Json, TokenStore } from '../sdk/index.js';
import { type MasterKey, openSecret, sealSecret } from './secret-box.js';
import type { SecretRows } from './storage.js';

/** Stored names of tokens start with this; they are not `${secret:…}` secrets and are not listed as such. */
export const TOKEN_PREFIX = 'token:';

/** A TokenStore over the state store's secrets table: every value sealed with AES-256-GCM. */
export function createSealedTokenStore(
  store: SecretRows,
  keys: readonly MasterKey[],
  clock: { now(): Date } = { now: () => new Date() },
): TokenStore {
  return {
    async load(key) {
      const name = TOKEN_PREFIX + key;
      const row = await store.getSecret(name);
      return row === undefined ? undefined : (JSON.parse(openSecret(keys, name, row.sealed)) as Json);
    },
    async save(key, value) {
      const current = keys[0];
      if (!current) return;
      const name = TOKEN_PREFIX + key;
      await store.putSecret(name, sealSecret(current, name, JSON.stringify(value)), clock.now());
    },
  };
}
