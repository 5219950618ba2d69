export { DEFAULT_API_TOKEN, ensureApiToken, hashApiToken, issueApiToken, verifyApiToken } from './api-tokens.js';
export {
  defaultKeyFile,
  LEGACY_KEY_FILE,
  loadMasterKey,
  type MasterKeyOptions,
  warnOnStderr,
} from './load-master-key.js';
export { maskPii, maskPiiInText, maskValue, maskValuesInText, piiValues, rawValues } from './mask-pii.js';
export { createSealedTokenStore, TOKEN_PREFIX } from './sealed-token-store.js';
export { type MasterKey, masterKey, openSecret, sealSecret } from './secret-box.js';
export { checkSecretName, createSecretVault, type SecretVault } from './secret-vault.js';
export type { ApiTokenHashRow, ApiTokenRows, SealedSecretRow, SecretRows } from './storage.js';
