import { type Clock, FlowError } from '../sdk/index.js';
import { DEFAULT_API_TOKEN, ensureApiToken, issueApiToken, verifyApiToken } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The API tokens of the control routes of `syncline serve`: the store keeps their SHA-256 only. */
export interface Tokens {
  /** A new token of that name (default `default`), returned once; the one it replaces stops working. */
  rotate(name?: string): Promise<{ name: string; token: string; replaced: boolean }>;
  list(): Promise<{ name: string; createdAt: Date }[]>;
  /** The token stops working; CONFIG_INVALID when there is none of that name. */
  revoke(name: string): Promise<void>;
  /** The default token, created when there is none yet (returned only then). */
  ensure(): Promise<string | undefined>;
  /** Whether a presented token is valid (checked against the store on every request). */
  verify(token: string): Promise<boolean>;
}

export function createTokens(deps: { store: StateStore; clock: Clock }): Tokens {
  const { store, clock } = deps;
  return {
    async rotate(name = DEFAULT_API_TOKEN) {
      if (!NAME.test(name)) {
        throw new FlowError('CONFIG_INVALID', `"${name}" is not a valid token name`, {
          hint: 'use up to 64 letters, digits, ".", "_" or "-"',
        });
      }
      const replaced = (await store.listApiTokens()).some((t) => t.name === name);
      return { name, token: await issueApiToken(store, name, clock.now()), replaced };
    },
    async list() {
      return (await store.listApiTokens()).map((t) => ({ name: t.name, createdAt: t.createdAt }));
    },
    async revoke(name) {
      if (!(await store.deleteApiToken(name)))
        throw new FlowError('CONFIG_INVALID', `no API token named ${name}`, {
          hint: 'list the API tokens to see their names',
          next: [{ action: 'tokens.list' }],
        });
    },
    ensure: () => ensureApiToken(store, clock.now()),
    verify: async (token) => (await verifyApiToken(store, token)) !== undefined,
  };
}
