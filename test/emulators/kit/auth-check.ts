import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Pluggable authentication: an `AuthCheck` looks at a request and says who it is or why it is refused;
 * `requireAuth` turns it into a route hook that answers a refusal in the vendor's own shape
 * (Salesforce's `INVALID_SESSION_ID` array, Marketo's HTTP 200 with code 601, …).
 */
export type AuthResult =
  | { readonly ok: true; readonly principal: string }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' | 'expired'; readonly message: string };

export type AuthCheck = (req: FastifyRequest) => AuthResult;

export type AuthRejection = (
  reply: FastifyReply,
  refusal: Extract<AuthResult, { ok: false }>,
) => FastifyReply | Promise<FastifyReply>;

/** A `preHandler` hook: lets the request through when `check` accepts it, else answers with `reject`. */
export function requireAuth(check: AuthCheck, reject: AuthRejection) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const result = check(req);
    return result.ok ? undefined : reject(reply, result);
  };
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

/**
 * The hook for signed requests (OAuth 1.0a as NetSuite's TBA, HMAC headers): `verify` gets the method,
 * the absolute URL and the headers, and decides. The kit does not know any signature scheme itself.
 */
export function signatureCheck(
  verify: (request: { method: string; url: string; headers: FastifyRequest['headers'] }) => AuthResult,
): AuthCheck {
  return (req) =>
    verify({
      method: req.method,
      url: `${req.protocol}://${req.headers.host ?? 'localhost'}${req.url}`,
      headers: req.headers,
    });
}
