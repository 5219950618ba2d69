import { httpErrors } from '../../kit/index.js';
import { FlowError } from '../../sdk/index.js';
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
}

const transientStatus = new Set([408, 425, 429, 500, 502, 503, 504]);

/** True for statuses that are worth retrying: 408, 425, 429 and every 5xx. */
export function isTransientStatus(status: number): boolean {
  return transientStatus.has(status) || status >= 500;
}

/**
 * The FlowError for a non-2xx answer: 429/5xx/408 → TRANSIENT_IO (with retryAfterMs);
 * 401/403 → HTTP_AUTH; other 4xx → HTTP_REJECTED (kind record, or `config` when `rejectKind` says so).
 */
export function statusError(
  label: RequestLabel,
  response: ErrorResponse,
  rejectKind: 'record' | 'config' = 'record',
): FlowError {
  const { status } = response;
  const excerpt = bodyExcerpt(response.body);
  const answer = `${status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`;
  const message = `${label.request} answered ${answer}`;
  const where = label.connection;
  if (isTransientStatus(status)) {
    const wait = response.retryAfterMs;
    return new FlowError('TRANSIENT_IO', message, {
      where,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
      hint:
        status === 429
          ? 'The API limits the request rate: retried after its Retry-After; set `rateLimit` on the connection to stay below it.'
          : 'Retried automatically; if it persists, check the API named in the message.',
    });
  }
  if (status === 401 || status === 403) return httpErrors.fail('HTTP_AUTH', message, { where });
  if (status >= 400 && status < 500) {
    return httpErrors.fail('HTTP_REJECTED', message, {
      where,
      kind: rejectKind,
      ...(rejectKind === 'config'
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
