import { z } from 'zod';
import type { Context } from '../../sdk/index.js';
import { oauth2AuthConfig, oauth2Provider } from './oauth2-auth.js';

/** `auth:` of an `http` connection: one entry per kind; OAuth2 is added here as another kind. */
export const httpAuthConfig = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }).strict(),
    z.object({ type: z.literal('basic'), user: z.string(), password: z.string() }).strict(),
    z.object({ type: z.literal('bearer'), token: z.string().min(1) }).strict(),
    z
      .object({
        type: z.literal('apiKey'),
        /** Header or query parameter name, e.g. `X-Api-Key` or `api_key`. */
        name: z.string().min(1),
        value: z.string().min(1),
        in: z.enum(['header', 'query']).default('header'),
      })
      .strict(),
    oauth2AuthConfig,
  ])
  .default({ type: 'none' });

export type HttpAuthConfig = z.infer<typeof httpAuthConfig>;

/** What a credential adds to a request. Header names are lower case. */
export interface AuthParts {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/**
 * A credential at run time. `apply` is called for every request (a static kind returns the same
 * object each time); `reauthenticate` is called once after a 401 and, when it resolves true, the
 * request is sent once more with fresh `apply()` parts (OAuth2: refresh the access token).
 */
export interface AuthProvider {
  apply(ctx: Context): AuthParts | Promise<AuthParts>;
  reauthenticate?(ctx: Context): Promise<boolean>;
  /** Secret values, masked wherever a message could show them. */
  readonly secrets: readonly string[];
  /** Query parameters whose values are secret (masked in messages, left out of checkpoints). */
  readonly secretParams: readonly string[];
}

const none: AuthParts = { headers: {}, query: {} };

function fixed(parts: AuthParts, secrets: string[], secretParams: string[] = []): AuthProvider {
  return { apply: () => parts, secrets: secrets.filter((s) => s.length > 0), secretParams };
}

type Kind = HttpAuthConfig['type'];
type Factory<K extends Kind> = (auth: Extract<HttpAuthConfig, { type: K }>) => AuthProvider;

/** One small function per auth kind. */
export const authProviders: { readonly [K in Kind]: Factory<K> } = {
  none: () => fixed(none, []),
  basic: ({ user, password }) => {
    const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
    return fixed({ headers: { authorization: `Basic ${encoded}` }, query: {} }, [password, encoded]);
  },
  bearer: ({ token }) => fixed({ headers: { authorization: `Bearer ${token}` }, query: {} }, [token]),
  apiKey: ({ name, value, in: where }) =>
    where === 'query'
      ? fixed({ headers: {}, query: { [name]: value } }, [value], [name])
      : fixed({ headers: { [name.toLowerCase()]: value }, query: {} }, [value]),
  oauth2: (auth) => oauth2Provider(auth),
};

export function authProvider(auth: HttpAuthConfig): AuthProvider {
  return (authProviders[auth.type] as Factory<Kind>)(auth);
}
