import type { Context, Json } from '../../sdk/index.js';
import type { HttpClient } from './http-client.js';
import { statusError, type VendorErrorReader } from './http-errors.js';
import { readJson } from './read-json.js';
import { type HttpRequest, sendRequest } from './send-request.js';

export interface RequestJsonOptions {
  /** What another 4xx is: `record` (this record's request; default) or `config` (a request that can never work). */
  readonly rejectKind?: 'record' | 'config';
  /** A 404 answers `undefined` instead of failing (a lookup that finds nothing). */
  readonly notFound?: 'undefined';
  readonly vendor?: VendorErrorReader | undefined;
}

/**
 * One request whose 2xx answer is JSON: sent with `sendRequest`, a non-2xx answer thrown as its
 * FlowError (`statusError`), the body parsed once (`readJson`: an HTML page fails naming it).
 */
export async function requestJson(
  client: HttpClient,
  request: HttpRequest,
  ctx: Context,
  o: RequestJsonOptions = {},
): Promise<Json | undefined> {
  const response = await sendRequest(client, request, ctx);
  if (response.status === 404 && o.notFound === 'undefined') return undefined;
  if (!response.ok)
    throw statusError(response.label, response, { rejectKind: o.rejectKind ?? 'record', vendor: o.vendor });
  return readJson(response, client.mask.text);
}
