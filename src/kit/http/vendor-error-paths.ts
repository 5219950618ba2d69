import type { Json } from '../../sdk/index.js';
import { pathReader } from '../path.js';
import type { VendorError, VendorErrorReader } from './http-errors.js';

export interface VendorErrorPaths {
  /** Path of the vendor's code in the body, e.g. `[0].errorCode` (Salesforce), `["o:errorDetails"][0]["o:errorCode"]` (NetSuite). */
  readonly code?: string;
  /** Path of its message, e.g. `[0].message`, `error.message`. */
  readonly message?: string;
  /** What a vendor code means, when it is not what the status says: `{ REQUEST_LIMIT_EXCEEDED: { kind: 'transient' } }`. */
  readonly codes?: Readonly<Record<string, Omit<VendorError, 'code' | 'message'>>>;
}

const text = (v: Json | undefined): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** A VendorErrorReader from paths in a JSON error body (the kit's path language); a body that is not JSON says nothing. */
export function vendorErrorPaths(paths: VendorErrorPaths): VendorErrorReader {
  const code = paths.code === undefined ? undefined : pathReader(paths.code, 'code');
  const message = paths.message === undefined ? undefined : pathReader(paths.message, 'message');
  return ({ body }) => {
    let json: Json;
    try {
      json = JSON.parse(body) as Json;
    } catch {
      return undefined;
    }
    const c = text(code?.(json));
    const m = text(message?.(json));
    if (c === undefined && m === undefined) return undefined;
    return { code: c, message: m, ...(c === undefined ? {} : paths.codes?.[c]) };
  };
}
