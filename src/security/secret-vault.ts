import { FlowError } from '../sdk/index.js';
import { TOKEN_PREFIX } from './sealed-token-store.js';
import { type MasterKey, openSecret, sealSecret } from './secret-box.js';
import type { SecretRows } from './storage.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Secrets kept sealed in the state store; plain values exist only in memory, for `${secret:NAME}`. */
export interface SecretVault {
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<boolean>;
  names(): Promise<{ name: string; updatedAt: Date }[]>;
  /** Every secret, decrypted (for resolving `${secret:NAME}` in flow files). */
  all(): Promise<Record<string, string>>;
}

export function checkSecretName(name: string): void {
  if (!NAME.test(name)) {
    throw new FlowError('CONFIG_INVALID', `"${name}" is not a valid secret name`, {
      hint: 'use letters, digits and _, starting with a letter or _',
    });
  }
}

export function createSecretVault(
  store: SecretRows,
  keys: readonly MasterKey[],
  clock: { now(): Date } = { now: () => new Date() },
): SecretVault {
  const current = keys[0];
  const secrets = async () => (await store.listSecrets()).filter((s) => !s.name.startsWith(TOKEN_PREFIX));
  return {
    async set(name, value) {
      checkSecretName(name);
      if (!current) throw new FlowError('MASTER_KEY_INVALID', 'no master key to seal secrets with');
      await store.putSecret(name, sealSecret(current, name, value), clock.now());
    },
    delete: (name) => store.deleteSecret(name),
    async names() {
      return (await secrets()).map((s) => ({ name: s.name, updatedAt: s.updatedAt }));
    },
    async all() {
      const out: Record<string, string> = {};
      for (const s of await secrets()) out[s.name] = openSecret(keys, s.name, s.sealed);
      return out;
    },
  };
}
