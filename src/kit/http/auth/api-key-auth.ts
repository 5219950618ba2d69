import { type AuthProvider, staticAuth } from './auth-provider.js';

/** An API key in a header (`X-Api-Key`) or a query parameter (`api_key`, masked in messages and kept out of checkpoints). */
export function apiKeyAuth(name: string, value: string, where: 'header' | 'query' = 'header'): AuthProvider {
  return where === 'query'
    ? staticAuth({ headers: {}, query: { [name]: value } }, [value], [name])
    : staticAuth({ headers: { [name.toLowerCase()]: value }, query: {} }, [value]);
}
