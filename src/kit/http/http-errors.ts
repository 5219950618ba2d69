import { type ErrorKind, FlowError } from '../../sdk/index.js';
import { httpErrors } from './http-error-codes.js';
import { bodyExcerpt } from './mask.js';

/** A request as error messages show it: method and URL with secrets already masked. */
export interface RequestLabel {
  /** `http connection https://api.example.com` */
  readonly connection: string;
  /** `GET https://api.example.com/items?api_key=***` */
  readonly request: string;
}

/** The answer an error is made from; `body` is already masked. */
export interface ErrorResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly retryAfterMs?: number | undefined;
  /** The service refuses calls until then: the connection's breaker opens until it. */
  readonly blockedUntil?: Date | undefined;
}

/** What a vendor's error body says (Salesforce `[{errorCode, message}]`, NetSuite `o:errorDetails` …). */
export interface VendorError {
  /** The vendor's own code, shown in the message: `INVALID_SESSION_ID`, `REQUEST_LIMIT_EXCEEDED`. */
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  /** Overrides the kind the status gives (Salesforce's 403 REQUEST_LIMIT_EXCEEDED is a quota, not auth). */
  readonly kind?: ErrorKind | undefined;
  /** The quota is exhausted until then: the breaker opens until it. */
  readonly blockedUntil?: Date | undefined;
}

/** The hook a connector gives `statusError` to read its vendor's error body; `body` is the masked text. */
export type VendorErrorReader = (response: {
  readonly status: number;
  readonly body: string;
}) => VendorError | undefined;

export interface StatusErrorOptions {
  /** The kind of another 4xx: `record` (a write refused; default) or `config` (a read that can never work). */
  readonly rejectKind?: 'record' | 'config';
  readonly vendor?: VendorErrorReader | undefined;
}

const transientStatus = new Set([408, 425, 429, 500, 502, 503, 504]);

/** True for statuses that are worth retrying: 408, 425, 429 and every 5xx. */
export function isTransientStatus(status: number): boolean {
  return transientStatus.has(status) || status >= 500;
}

/**
 * The FlowError for a non-2xx answer: 429/5xx/408 → TRANSIENT_IO (with retryAfterMs); 401/403 →
 * HTTP_AUTH; other 4xx → HTTP_REJECTED (kind record, or `config` when `rejectKind` says so). A vendor
 * reader adds the vendor's code and message, and may change the kind (a quota refusal is transient).
 */
export function statusError(
  label: RequestLabel,
  response: ErrorResponse,
  options: StatusErrorOptions | 'record' | 'config' = {},
): FlowError {
  const o: StatusErrorOptions = typeof options === 'string' ? { rejectKind: options } : options;
  const rejectKind = o.rejectKind ?? 'record';
  const { status } = response;
  const vendor = o.vendor?.({ status, body: response.body });
  const said = vendor?.code || vendor?.message ? [vendor.code, vendor.message].filter(Boolean).join(': ') : undefined;
  const excerpt = said ?? bodyExcerpt(response.body);
  const answer = `${status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`;
  const message = `${label.request} answered ${answer}`;
  const where = label.connection;
  const blockedUntil = vendor?.blockedUntil ?? response.blockedUntil;
  const kind = vendor?.kind;
  if ((kind === undefined && isTransientStatus(status)) || kind === 'transient') {
    const wait = response.retryAfterMs;
    return new FlowError('TRANSIENT_IO', message, {
      where,
      kind: 'transient',
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
      ...(blockedUntil === undefined ? {} : { blockedUntil }),
      hint:
        status === 429 || blockedUntil !== undefined
          ? 'The API limits the request rate: retried after its Retry-After; set `rateLimit` on the connection to stay below it.'
          : 'Retried automatically; if it persists, check the API named in the message.',
    });
  }
  if (kind === undefined && (status === 401 || status === 403)) return httpErrors.fail('HTTP_AUTH', message, { where });
  if (kind !== undefined || (status >= 400 && status < 500)) {
    const k = kind ?? rejectKind;
    return httpErrors.fail('HTTP_REJECTED', message, {
      where,
      kind: k,
      ...(k === 'config'
        ? { hint: 'Check the path, query and body of the request against the API documentation.' }
        : {}),
    });
  }
  return httpErrors.fail('HTTP_BAD_RESPONSE', `${message} (expected a 2xx answer)`, { where });
}

const certificateCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME_MISMATCH/;

function causeCode(error: unknown): string {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

/**
 * A thrown fetch error as a FlowError: canceled run → CANCELED; timeout, refused, reset, DNS,
 * socket errors → TRANSIENT_IO; a certificate that does not verify → CONNECTION_FAILED (config).
 */
export function networkError(label: RequestLabel, error: unknown, timeoutMs: number, canceled: boolean): FlowError {
  if (error instanceof FlowError) return error;
  const where = label.connection;
  if (canceled) return new FlowError('CANCELED', `${label.request} was canceled`, { where, cause: error });
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') {
    return new FlowError('TRANSIENT_IO', `${label.request} timed out after ${timeoutMs} ms`, {
      where,
      cause: error,
      hint: 'Retried automatically; raise `timeoutMs` on the connection if the API is slow.',
    });
  }
  const code = causeCode(error);
  const detail = code || (error instanceof Error ? error.message : String(error));
  if (certificateCodes.test(code)) {
    return new FlowError('CONNECTION_FAILED', `${label.request} failed: TLS certificate not trusted (${code})`, {
      kind: 'config',
      where,
      cause: error,
      hint: 'Use a certificate signed by a trusted CA, or add the CA with NODE_EXTRA_CA_CERTS=/path/ca.pem.',
    });
  }
  const what =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'connection reset'
          : 'network error';
  return new FlowError('TRANSIENT_IO', `${label.request} failed: ${what} (${detail})`, {
    where,
    cause: error,
    hint: 'Retried automatically; if it persists, check that the base URL is right and the API is up.',
  });
}
