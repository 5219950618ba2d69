import { z } from 'zod';
import {
  type AuthProvider,
  apiKeyAuth,
  basicAuth,
  bearerAuth,
  clientCredentialsAuth,
  jwtBearerAuth,
  noAuth,
  refreshTokenAuth,
} from '../../kit/index.js';

/** `auth: { type: oauth2, … }`: RFC 6749 client credentials or refresh token grant, RFC 7523 JWT bearer. */
export const oauth2AuthConfig = z
  .object({
    type: z.literal('oauth2'),
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().optional(),
    grant: z.enum(['client_credentials', 'refresh_token', 'jwt_bearer']).default('client_credentials'),
    /** The first refresh token, for `grant: refresh_token` (rotated tokens are kept in the store). */
    refreshToken: z.string().optional(),
    /** `grant: jwt_bearer`: PEM of the RSA key that signs the assertion (RS256), its `sub` and `aud`. */
    privateKey: z.string().optional(),
    subject: z.string().optional(),
    scope: z.string().optional(),
    audience: z.string().optional(),
    /** How the client authenticates at the token endpoint. */
    clientAuth: z.enum(['basic', 'post']).default('basic'),
    /** Fetch a new token this long before the current one expires. */
    refreshBeforeMs: z.number().int().nonnegative().default(60_000),
  })
  .strict()
  .refine((a) => a.grant !== 'refresh_token' || a.refreshToken !== undefined, {
    message: 'grant refresh_token needs `refreshToken` (the first one; rotated ones are stored)',
    path: ['refreshToken'],
  })
  .refine((a) => a.grant !== 'jwt_bearer' || (a.privateKey && a.subject && a.audience), {
    message: 'grant jwt_bearer needs `privateKey` (PEM), `subject` (the user) and `audience` (the login URL)',
    path: ['privateKey'],
  });

export type OAuth2AuthConfig = z.infer<typeof oauth2AuthConfig>;

/** `auth:` of an `http` connection: one entry per kind. */
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

function oauth2(a: OAuth2AuthConfig): AuthProvider {
  const endpoint = {
    tokenUrl: a.tokenUrl,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    clientAuth: a.clientAuth,
  };
  const common = { ...endpoint, scope: a.scope, refreshBeforeMs: a.refreshBeforeMs };
  if (a.grant === 'refresh_token')
    return refreshTokenAuth({ ...common, audience: a.audience, refreshToken: a.refreshToken as string });
  if (a.grant === 'jwt_bearer')
    return jwtBearerAuth({
      ...common,
      privateKey: a.privateKey as string,
      subject: a.subject as string,
      audience: a.audience as string,
    });
  return clientCredentialsAuth({ ...common, audience: a.audience });
}

/** The kit's provider for a configured kind. */
export function authProvider(auth: HttpAuthConfig): AuthProvider {
  switch (auth.type) {
    case 'none':
      return noAuth;
    case 'basic':
      return basicAuth(auth.user, auth.password);
    case 'bearer':
      return bearerAuth(auth.token);
    case 'apiKey':
      return apiKeyAuth(auth.name, auth.value, auth.in);
    case 'oauth2':
      return oauth2(auth);
  }
}
