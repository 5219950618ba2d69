import { type AuthProvider, staticAuth } from './auth-provider.js';

/**
 * A fixed token in a header: `authorization: Bearer <token>` by default, or the token alone in a
 * vendor header (`bearerAuth(token, { header: 'x-shopify-access-token', scheme: '' })`).
 */
export function bearerAuth(token: string, options: { header?: string; scheme?: string } = {}): AuthProvider {
  const header = (options.header ?? 'authorization').toLowerCase();
  const scheme = options.scheme ?? 'Bearer';
  return staticAuth({ headers: { [header]: scheme ? `${scheme} ${token}` : token }, query: {} }, [token]);
}
