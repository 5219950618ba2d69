import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiTokenRows } from './storage.js';

/** The token `syncline serve` creates on its first start, and `syncline token rotate` replaces. */
export const DEFAULT_API_TOKEN = 'default';

/** Tokens read `syn_` and 43 base64url characters (32 random bytes): easy to spot in a leaked log or file. */
const PREFIX = 'syn_';

/** SHA-256 of a token, hex: what the store keeps. A 256-bit random token needs no slow hash. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token; only its hash is stored, the token is shown to the user once. */
export function newApiToken(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Stores a new token under `name` (replacing the one of that name, which stops working) and returns it. */
export async function issueApiToken(store: ApiTokenRows, name: string, at: Date): Promise<string> {
  const token = newApiToken();
  await store.putApiToken(name, hashApiToken(token), at);
  return token;
}

/** On the first start, when no token exists: creates the default one and returns it (to print once); else undefined. */
export async function ensureApiToken(store: ApiTokenRows, at: Date): Promise<string | undefined> {
  if ((await store.listApiTokens()).length > 0) return undefined;
  return issueApiToken(store, DEFAULT_API_TOKEN, at);
}

/** The name of the stored token equal to `presented` (compared in constant time over the hashes), or undefined. */
export async function verifyApiToken(store: ApiTokenRows, presented: string): Promise<string | undefined> {
  const given = Buffer.from(hashApiToken(presented), 'hex');
  let match: string | undefined;
  for (const row of await store.listApiTokens()) {
    const stored = Buffer.from(row.hash, 'hex');
    if (stored.length === given.length && timingSafeEqual(stored, given)) match ??= row.name;
  }
  return match;
}
