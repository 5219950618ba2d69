import { createHash } from 'node:crypto';
import { valueAt } from '../../kit/index.js';
import {
  type AcceptedEvent,
  FlowError,
  type InboundRequest,
  isJsonObject,
  type Json,
  parseDuration,
  type Receiver,
} from '../../sdk/index.js';
import type { WebhookConnection } from './connection.js';
import type { EventsSourceConfig } from './events-source-config.js';
import { MAX_JSON_DEPTH, tooDeepAt } from './json-depth.js';
import { verifyRequest } from './verify-request.js';

function parseBody(body: Buffer): Json {
  const deep = tooDeepAt(body);
  if (deep >= 0) {
    throw new FlowError(
      'WEBHOOK_BAD_PAYLOAD',
      `the body nests JSON deeper than ${MAX_JSON_DEPTH} levels (at byte ${deep})`,
      { hint: `Send events nested at most ${MAX_JSON_DEPTH} arrays/objects deep.` },
    );
  }
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new FlowError('WEBHOOK_BAD_PAYLOAD', `the body is not valid JSON (${why})`);
  }
}

function eventIdOf(
  payload: Json,
  request: InboundRequest,
  connection: WebhookConnection,
  path?: string,
): string | null {
  const header = connection.eventIdHeader === undefined ? undefined : request.headers[connection.eventIdHeader];
  if (header) return header;
  if (path === undefined || !isJsonObject(payload)) return null;
  const value = valueAt(payload, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** The dedupe id of a signed request without an event id: its timestamp and the SHA-256 of its body. */
function signedBodyId(signedAt: string, body: Buffer): string {
  return `signed:${signedAt}:${createHash('sha256').update(body).digest('hex')}`;
}

/** Checks and unpacks requests for a `webhook.events` source: size, signature or token, JSON, event id. */
export function webhookReceiver(connection: WebhookConnection, config: EventsSourceConfig): Receiver {
  return {
    maxBytes: connection.maxBytes,
    batchSize: config.batch.size,
    maxWaitMs: parseDuration(config.batch.maxWait) ?? 1000,
    retentionMs: parseDuration(config.retention) ?? 7 * 86_400_000,
    accept(request): AcceptedEvent {
      if (request.body.length > connection.maxBytes) {
        throw new FlowError(
          'WEBHOOK_TOO_LARGE',
          `the body has ${request.body.length} bytes; the connection accepts at most ${connection.maxBytes}`,
        );
      }
      const signedAt = verifyRequest(connection.auth, request);
      const payload = parseBody(request.body);
      const eventId = eventIdOf(payload, request, connection, config.eventIdPath);
      // without an event id, a timestamped request is known by what was signed: a replay of it
      // (same timestamp and body) within the tolerance window is acknowledged and not stored again
      if (eventId === null && signedAt !== undefined) return { eventId: signedBodyId(signedAt, request.body), payload };
      return { eventId, payload };
    },
  };
}
