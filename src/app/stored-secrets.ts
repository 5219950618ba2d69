import { secretVariable } from '../config/index.js';
import { FlowError } from '../sdk/index.js';
import { createSecretVault, type MasterKey, TOKEN_PREFIX } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';

/** Loads the master key; with `create`, makes one when there is none. */
export type MasterKeyLoader = (create: boolean) => Promise<MasterKey | undefined>;

/**
 * The secrets stored with `syncline secrets set`, decrypted, as the SYNCLINE_SECRET_<NAME>
 * variables `${secret:NAME}` reads. Without stored secrets no master key is needed.
 */
export async function storedSecretsAsEnv(
  store: StateStore,
  masterKey: MasterKeyLoader,
): Promise<Record<string, string>> {
  if ((await store.listSecrets()).every((s) => s.name.startsWith(TOKEN_PREFIX))) return {};
  const key = await masterKey(false);
  if (!key) {
    throw new FlowError('MASTER_KEY_INVALID', 'secrets are stored, but there is no master key to open them', {
      hint: 'set SYNCLINE_MASTER_KEY or SYNCLINE_MASTER_KEY_FILE to the key they were stored with',
    });
  }
  const plain = await createSecretVault(store, [key]).all();
  return Object.fromEntries(Object.entries(plain).map(([name, value]) => [secretVariable(name), value]));
}
