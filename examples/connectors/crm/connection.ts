import { z } from 'zod';
import {
  bearerAuth,
  createMasker,
  createRateLimiter,
  type HttpClient,
  quotaHeaders,
  requestJson,
} from '../../../src/kit/index.js';
import type { Context } from '../../../src/sdk/index.js';
import { crmApiErrors } from './api-errors.js';

/** The `connections:` entry of a crm connection in a flow file. */
export const crmConnectionConfig = z
  .object({
    /** `https://crm.example.com/v1`: the API's base URL (the emulator's is printed by `syncline emulate crm`). */
    baseUrl: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'baseUrl must start with http:// or https://')
      .transform((u) => u.replace(/\/+$/, '')),
    /** The API key, sent as `Authorization: Bearer <key>`: write it as `${secret:CRM_API_KEY}`. */
    apiKey: z.string().min(8, 'an API key has at least 8 characters'),
    /** Per request, from sending to the last byte of the answer. */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Requests in flight at once on this connection. */
    concurrency: z.number().int().positive().default(4),
  })
  .strict();

export type CrmConnectionConfig = z.infer<typeof crmConnectionConfig>;

/** An open crm connection is the kit's HttpClient: auth, masking, rate limit and quota readers. */
export type CrmConnection = HttpClient;

export function openCrmConnection(config: CrmConnectionConfig): CrmConnection {
  const auth = bearerAuth(config.apiKey);
  const label = `crm connection ${config.baseUrl}`;
  return {
    label,
    baseUrl: config.baseUrl,
    headers: {},
    timeoutMs: config.timeoutMs,
    auth,
    mask: createMasker(auth.secrets, auth.secretParams),
    limiter: createRateLimiter({ concurrency: config.concurrency }, label),
    // every answer says what is left of the key's quota; a 429's Retry-After is read by sendRequest
    quota: [quotaHeaders({ remaining: 'x-ratelimit-remaining', limit: 'x-ratelimit-limit', name: 'crm quota' })],
  };
}

/** One cheap authenticated call: a wrong key fails with HTTP_AUTH, a wrong base URL with a clear answer. */
export async function checkCrmConnection(connection: CrmConnection, ctx: Context): Promise<void> {
  await requestJson(connection, { method: 'GET', url: '/contacts?limit=1' }, ctx, {
    rejectKind: 'config',
    vendor: crmApiErrors,
  });
}

export async function closeCrmConnection(connection: CrmConnection): Promise<void> {
  connection.limiter?.clear();
}
