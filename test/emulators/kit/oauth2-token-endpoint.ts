import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TokenStore } from './token-store.js';

/**
 * An OAuth 2.0 token endpoint (RFC 6749 §3.2) issuing expiring access tokens from a `TokenStore`:
 * client credentials (§4.4) and refresh-token (§6) grants built in, with rotating refresh tokens as an
 * option; further grants (Salesforce's JWT bearer, `urn:ietf:params:oauth:grant-type:jwt-bearer`) are
 * handed in. Client authentication by HTTP Basic (§2.3.1, form-encoded before base64) or form fields.
 * The app must parse `application/x-www-form-urlencoded` (createEmulatorApp does).
 */
export interface OAuth2Client {
  readonly id: string;
  readonly secret: string;
}

/** A custom grant's answer: the principal the token is for, or an RFC 6749 §5.2 error. */
export type GrantOutcome = { principal: string } | { error: string; description: string; status?: number };

export interface OAuth2TokenEndpointOptions {
  readonly path: string;
  readonly clients: readonly OAuth2Client[];
  readonly tokens: TokenStore;
  /** Built-in grants to allow (default both). */
  readonly grants?: readonly ('client_credentials' | 'refresh_token')[];
  /** Each refresh answers with a new refresh token and the old one stops working (default true). */
  readonly rotateRefreshTokens?: boolean;
  /** More grant types: grant_type → handler of the form (client already authenticated, when a client was sent). */
  readonly customGrants?: Readonly<Record<string, (form: Readonly<Record<string, string>>) => GrantOutcome>>;
  /** Extra fields of a successful answer (Salesforce's `instance_url`). */
  readonly extraFields?: () => Record<string, unknown>;
  /** Whether the answer carries a refresh token (default true; Salesforce's JWT flow has none). */
  readonly issueRefreshTokens?: boolean;
}

export interface OAuth2TokenEndpoint {
  /** The grant types of the successful requests, in order. */
  readonly grants: string[];
  /** Refresh tokens that still work. */
  readonly refreshTokens: ReadonlySet<string>;
}

function basicClient(header: string | undefined): [string, string] | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const [id = '', secret = ''] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  const decode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  return [decode(id), decode(secret)];
}

export function registerOAuth2TokenEndpoint(
  app: FastifyInstance,
  options: OAuth2TokenEndpointOptions,
): OAuth2TokenEndpoint {
  const allowed = new Set<string>(options.grants ?? ['client_credentials', 'refresh_token']);
  const refreshTokens = new Map<string, string>();
  const state = { grants: [] as string[], refreshTokens: new Set<string>() };
  const rotate = options.rotateRefreshTokens ?? true;

  app.post(options.path, async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const grant = form.grant_type ?? '';
    const fail = (status: number, error: string, description: string) =>
      reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
    const [id, secret] = basicClient(req.headers.authorization) ?? [form.client_id, form.client_secret];
    const custom = options.customGrants?.[grant];
    const client = options.clients.find((c) => c.id === id && c.secret === secret);
    if (!client && !(custom && id === undefined)) return fail(401, 'invalid_client', 'client authentication failed');

    let principal: string;
    if (custom) {
      const outcome = custom(form);
      if ('error' in outcome) return fail(outcome.status ?? 400, outcome.error, outcome.description);
      principal = outcome.principal;
    } else if (grant === 'refresh_token' && allowed.has(grant)) {
      const owner = form.refresh_token === undefined ? undefined : refreshTokens.get(form.refresh_token);
      if (owner === undefined) return fail(400, 'invalid_grant', 'unknown or expired refresh token');
      if (rotate) {
        refreshTokens.delete(form.refresh_token!);
        state.refreshTokens.delete(form.refresh_token!);
      }
      principal = owner;
    } else if (grant === 'client_credentials' && allowed.has(grant)) {
      principal = client!.id;
    } else {
      return fail(400, 'unsupported_grant_type', `grant_type "${grant}" is not supported here`);
    }

    const access = options.tokens.issue(principal);
    let refresh: string | undefined;
    if (options.issueRefreshTokens ?? true) {
      refresh =
        grant === 'refresh_token' && !rotate ? form.refresh_token : `rt-${randomBytes(12).toString('base64url')}`;
      if (refresh !== undefined) {
        refreshTokens.set(refresh, principal);
        state.refreshTokens.add(refresh);
      }
    }
    state.grants.push(grant);
    return reply.header('cache-control', 'no-store').send({
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresInSeconds,
      ...(refresh === undefined ? {} : { refresh_token: refresh }),
      ...(form.scope === undefined ? {} : { scope: form.scope }),
      ...options.extraFields?.(),
    });
  });
  return state;
}
