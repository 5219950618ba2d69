import { type AuthProvider, staticAuth } from './auth-provider.js';

/** RFC 7617 HTTP Basic: `authorization: Basic base64(user:password)`. */
export function basicAuth(user: string, password: string): AuthProvider {
  const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  return staticAuth({ headers: { authorization: `Basic ${encoded}` }, query: {} }, [password, encoded]);
}
