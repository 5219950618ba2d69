import { FlowError } from '../sdk/index.js';
import { checkSecretName, createSecretVault, TOKEN_PREFIX } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';
import type { MasterKeyLoader } from './stored-secrets.js';

export interface Secrets {
  /** Seals the value (AES-256-GCM, the master key, created if there is none) and stores it; returns the key's id. */
  set(name: string, value: string): Promise<{ keyId: string | undefined }>;
  /** The names of the stored secrets and when each was set (never their values). */
  list(): Promise<{ name: string; updatedAt: Date }[]>;
  /** Deletes a secret; CONFIG_INVALID when there is none of that name. */
  remove(name: string): Promise<void>;
}

export { checkSecretName };

export function createSecrets(deps: { store: StateStore; masterKey: MasterKeyLoader }): Secrets {
  return {
    async set(name, value) {
      checkSecretName(name);
      const key = await deps.masterKey(true);
      await createSecretVault(deps.store, key ? [key] : []).set(name, value);
      return { keyId: key?.id };
    },
    async list() {
      const rows = await deps.store.listSecrets();
      return rows
        .filter((r) => !r.name.startsWith(TOKEN_PREFIX))
        .map((r) => ({ name: r.name, updatedAt: r.updatedAt }));
    },
    async remove(name) {
      if (!(await deps.store.deleteSecret(name)))
        throw new FlowError('CONFIG_INVALID', `no secret named ${name}`, {
          hint: 'list the secrets to see their names',
          next: [{ action: 'secrets.list' }],
        });
    },
  };
}
