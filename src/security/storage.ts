/**
 * What the security module keeps in the state store, as ports it owns (DESIGN.md: security imports
 * only the sdk): sealed secrets and API token hashes. The state store implements both
 * (`StateStore` has these methods); the app hands it in.
 */

export interface SealedSecretRow {
  readonly name: string;
  /** `v1:<key id>:<iv>:<tag>:<ciphertext>`, sealed by secret-box.ts. */
  readonly sealed: string;
  readonly updatedAt: Date;
}

/** Sealed secrets (and connectors' sealed tokens), by name. */
export interface SecretRows {
  putSecret(name: string, sealed: string, at: Date): Promise<void>;
  getSecret(name: string): Promise<SealedSecretRow | undefined>;
  listSecrets(): Promise<SealedSecretRow[]>;
  deleteSecret(name: string): Promise<boolean>;
}

export interface ApiTokenHashRow {
  readonly name: string;
  /** SHA-256 of the token, hex: the token itself is never stored. */
  readonly hash: string;
  readonly createdAt: Date;
}

/** The API tokens' hashes, by name. */
export interface ApiTokenRows {
  putApiToken(name: string, hash: string, at: Date): Promise<void>;
  listApiTokens(): Promise<ApiTokenHashRow[]>;
}
