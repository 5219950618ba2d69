import type { Context } from '../../../sdk/index.js';
import type { AuthProvider, OutgoingRequest } from './auth-provider.js';

/**
 * The request-signing hook: a connector implements it for a scheme that signs each request (OAuth
 * 1.0a for NetSuite, AWS SigV4 …). `sign` sees the request as it will be sent (method, URL with its
 * query, headers, body) and returns the headers to add, e.g. `authorization: OAuth …`.
 */
export interface RequestSigner {
  sign(
    request: OutgoingRequest,
    ctx: Context,
  ): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
  /** The signer's secret values (keys, token secrets), masked in messages. */
  readonly secrets: readonly string[];
}

/** An AuthProvider that signs every request with `signer`; signatures are per request, so nothing is cached. */
export function signedAuth(signer: RequestSigner): AuthProvider {
  return {
    async apply(ctx, request) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(await signer.sign(request, ctx))) headers[name.toLowerCase()] = value;
      return { headers, query: {} };
    },
    secrets: signer.secrets.filter((s) => s.length > 0),
    secretParams: [],
  };
}
