import PQueue from 'p-queue';
import { z } from 'zod';
import { type Context, FlowError } from '../../sdk/index.js';
import { type AuthProvider, authProvider, httpAuthConfig } from './auth.js';
import { statusError } from './http-errors.js';
import { createMasker, type Masker } from './mask.js';
import { sendRequest } from './send-request.js';

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

/** An opened `http` connection: everything a request needs; requests go through `sendRequest`. */
export interface HttpConnection {
  /** `http connection https://api.example.com/v1` (masked): where errors happened. */
  readonly label: string;
  /** The base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly auth: AuthProvider;
  readonly mask: Masker;
  /** Rate limit and concurrency of this connection; undefined = unlimited. */
  readonly queue: PQueue | undefined;
  readonly checkPath: string;
  readonly checkMethod: 'GET' | 'HEAD';
  /** `checkPath` was set: a run checks the connection at its start. */
  readonly checkAtRunStart: boolean;
}

function rateQueue(limit: HttpConnectionConfig['rateLimit']): PQueue | undefined {
  if (!limit || (limit.perSecond === undefined && limit.concurrency === undefined)) return undefined;
  const concurrency = limit.concurrency ?? Number.POSITIVE_INFINITY;
  if (limit.perSecond === undefined) return new PQueue({ concurrency });
  const burst = limit.burst ?? Math.max(1, Math.floor(limit.perSecond));
  // `burst` requests per window of burst/perSecond seconds: the long-run rate is perSecond.
  return new PQueue({ concurrency, intervalCap: burst, interval: Math.ceil((1000 * burst) / limit.perSecond) });
}

export function openHttpConnection(config: HttpConnectionConfig): HttpConnection {
  const auth = authProvider(config.auth);
  const mask = createMasker(auth.secrets, auth.secretParams);
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  return {
    label: `http connection ${mask.url(baseUrl).replace(/\/$/, '')}`,
    baseUrl,
    headers: config.headers,
    timeoutMs: config.timeoutMs,
    auth,
    mask,
    queue: rateQueue(config.rateLimit),
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
  connection.queue?.clear();
}
