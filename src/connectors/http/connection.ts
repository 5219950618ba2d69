import { z } from 'zod';
import {
  createMasker,
  createRateLimiter,
  type HttpClient,
  quotaHeaders,
  sendRequest,
  statusError,
} from '../../kit/index.js';
import { type Context, FlowError } from '../../sdk/index.js';
import { authProvider, httpAuthConfig } from './auth.js';

const lowerKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

export const httpHeaders = z.record(z.string().min(1), z.string()).default({}).transform(lowerKeys);

export const httpConnectionConfig = z
  .object({
    /** `https://api.example.com/v1`: paths of sources and destinations are appended to it. */
    baseUrl: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'baseUrl must start with http:// or https://'),
    /** Headers sent with every request (auth adds its own). */
    headers: httpHeaders,
    /** Per request, from sending to the last byte of the answer. */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Skip TLS certificate verification. Not supported yet (needs an undici Agent); kept so the error is clear. */
    allowInsecure: z
      .boolean()
      .default(false)
      .refine((v) => v === false, {
        message:
          'allowInsecure: true is not supported yet; use a trusted certificate or add its CA with NODE_EXTRA_CA_CERTS',
      }),
    auth: httpAuthConfig,
    /** Request rate per opened connection: perSecond (with bursts of `burst`) and at most `concurrency` in flight. */
    rateLimit: z
      .object({
        perSecond: z.number().positive().optional(),
        burst: z.number().int().positive().optional(),
        concurrency: z.number().int().positive().optional(),
        /**
         * The API's remaining-quota headers: requests slow down before the quota is spent and wait
         * for its reset (or fail at once, opening the breaker, when the reset is far off).
         */
        headers: z
          .object({
            remaining: z.string().min(1),
            limit: z.string().min(1).optional(),
            reset: z.string().min(1).optional(),
            resetFormat: z.enum(['seconds', 'epoch-seconds', 'epoch-ms', 'http-date']).default('seconds'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /**
     * What `check` requests: `checkMethod checkPath` (default `/`), expecting a 2xx answer. Runs check
     * the connection at their start only when it is set: many APIs do not answer `GET /` with a 2xx.
     */
    checkPath: z.string().optional(),
    checkMethod: z.enum(['GET', 'HEAD']).default('GET'),
  })
  .strict();

export type HttpConnectionConfig = z.infer<typeof httpConnectionConfig>;

/** An opened `http` connection: a kit HttpClient (requests go through the kit's `sendRequest`) and its check. */
export interface HttpConnection extends HttpClient {
  readonly checkPath: string;
  readonly checkMethod: 'GET' | 'HEAD';
  /** `checkPath` was set: a run checks the connection at its start. */
  readonly checkAtRunStart: boolean;
}

export function openHttpConnection(config: HttpConnectionConfig): HttpConnection {
  const auth = authProvider(config.auth);
  const mask = createMasker(auth.secrets, auth.secretParams);
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const label = `http connection ${mask.url(baseUrl).replace(/\/$/, '')}`;
  return {
    label,
    baseUrl,
    headers: config.headers,
    timeoutMs: config.timeoutMs,
    auth,
    mask,
    limiter: config.rateLimit ? createRateLimiter(config.rateLimit, label) : undefined,
    quota: config.rateLimit?.headers ? [quotaHeaders(config.rateLimit.headers)] : [],
    checkPath: config.checkPath ?? '/',
    checkMethod: config.checkMethod,
    checkAtRunStart: config.checkPath !== undefined,
  };
}

/** `checkMethod checkPath` must answer 2xx; anything else fails with the status and the API's answer. */
export async function checkHttpConnection(connection: HttpConnection, ctx: Context): Promise<void> {
  const response = await sendRequest(connection, { method: connection.checkMethod, url: connection.checkPath }, ctx);
  if (response.ok) return;
  const error = statusError(response.label, response, 'config');
  throw new FlowError(error.code, `check failed: ${error.message}`, {
    kind: error.kind === 'transient' ? 'transient' : 'config',
    where: connection.label,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

export async function closeHttpConnection(connection: HttpConnection): Promise<void> {
  connection.limiter?.clear();
}
