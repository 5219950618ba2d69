import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { InboxWriter } from '../app/index.js';
import { type Clock, FlowError, type Logger, type Receiver, toFlowError } from '../sdk/index.js';
import { BodyTooLarge, readBody } from './read-body.js';
import { bearerToken, foreignHost, foreignOrigin, TOKEN_HINT, TOKEN_NEXT } from './request-guard.js';
import { errorBody, webhookStatus } from './webhook-status.js';

/** A flow that receives webhooks: how to check its requests, and whom to tell when one was persisted. */
export interface Hook {
  readonly flow: string;
  readonly receiver: Receiver;
  notify(): void;
}

/** The flows `syncline serve` can start on request (`POST /flows/<flow>/runs`). */
export interface FlowControl {
  list(): { flow: string; schedule: string | null; timezone: string | null; nextRun: Date | null }[];
  /** `started`, `queued` (after the active run) or `skipped` (one is active; recorded as a skipped run). */
  trigger(flow: string): Promise<'started' | 'queued' | 'skipped'>;
}

export interface ServerOptions {
  readonly hooks: ReadonlyMap<string, Hook>;
  readonly flows?: FlowControl;
  /** Where accepted webhook events are persisted (the app's inbox writer: group commit into the store). */
  readonly inbox: InboxWriter;
  readonly clock: Clock;
  readonly log: Logger;
  /** Whether a presented API token is valid (the app's `tokens.verify`). */
  readonly verifyToken: (token: string) => Promise<boolean>;
  /** Host names the server answers to besides IP addresses and localhost (`serve --allow-host`). */
  readonly allowHosts?: readonly string[];
}

/** Body limit of every route but `/hooks/<flow>` (whose limit is that flow's own `maxBytes`). */
export const CONTROL_BODY_LIMIT = 64 * 1024;

/** Routes open without an API token: webhooks (each flow checks its own signature or token) and health. */
const open = (request: FastifyRequest) =>
  (request.method === 'POST' && request.routeOptions.url === '/hooks/:flow') || request.routeOptions.url === '/health';

/**
 * The HTTP side of `syncline serve`: `POST /hooks/<flow>` checks a request with the flow's receiver,
 * persists the event in the store's inbox and only then answers 202 (200 for a repeated event id).
 * Every request must name this server in Host and come from no foreign web page (Origin); every
 * route but the webhooks and /health needs an API token (`Authorization: Bearer <token>`).
 * Thin by design: validate → app (the inbox writer) → notify; the engine does the rest.
 */
export function createServer(o: ServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: CONTROL_BODY_LIMIT, return503OnClosing: true });
  const { inbox } = o;
  app.removeAllContentTypeParsers();
  // every body is read raw (signatures cover the bytes), up to the limit of its own route: a flow's
  // webhook `maxBytes` for /hooks/<flow>, CONTROL_BODY_LIMIT elsewhere — never the largest of all flows
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: Readable) => {
    const flow = request.routeOptions.url === '/hooks/:flow' ? (request.params as { flow: string }).flow : undefined;
    const hook = flow === undefined ? undefined : o.hooks.get(flow);
    const limit = hook?.receiver.maxBytes ?? CONTROL_BODY_LIMIT;
    try {
      return await readBody(payload, request.headers['content-length'], limit);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      throw hook
        ? new FlowError('WEBHOOK_TOO_LARGE', `${error.message}; the connection accepts at most ${limit}`)
        : new FlowError(
            'REQUEST_TOO_LARGE',
            `${error.message}; ${request.method} ${request.url} accepts at most ${limit}`,
            {
              hint: 'Control requests carry small JSON bodies; webhooks go to /hooks/<flow>.',
            },
          );
    }
  });

  const refuse = (flow: string | undefined, error: FlowError, ip: string) => {
    const status = webhookStatus(error);
    const message = flow === undefined ? error.message : `flow "${flow}": ${error.message}`;
    const refusal = new FlowError(error.code, message, {
      kind: error.kind,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.next === undefined ? {} : { next: error.next }),
    });
    const level = status >= 500 ? 'error' : 'warn';
    o.log[level]({ flow, status, code: error.code, ip }, `request refused: ${message}`);
    return { status, body: errorBody(refusal) };
  };

  app.addHook('onRequest', async (request, reply) => {
    const { host, origin } = request.headers;
    const refusal = foreignHost(host, o.allowHosts ?? []) ?? foreignOrigin(origin, host);
    if (refusal) throw refusal;
    if (open(request)) return;
    const token = bearerToken(request.headers.authorization);
    if (typeof token !== 'string' || !(await o.verifyToken(token))) {
      reply.header('www-authenticate', 'Bearer');
      throw typeof token === 'string'
        ? new FlowError('API_UNAUTHORIZED', 'the API token does not match', { hint: TOKEN_HINT, next: TOKEN_NEXT })
        : token;
    }
  });

  app.setErrorHandler((raw, request, reply) => {
    const flow = request.routeOptions.url === '/hooks/:flow' ? (request.params as { flow: string }).flow : undefined;
    const { status, body } = refuse(flow, toFlowError(raw), request.ip);
    // the rest of a body too large was not read: close the connection rather than drain it
    if (status === 413) reply.header('connection', 'close');
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(
      errorBody(
        new FlowError('WEBHOOK_NOT_FOUND', `nothing is served at ${request.method} ${request.url}`, {
          hint: 'Post events to /hooks/<flow>; GET /hooks lists the webhook flows.',
        }),
      ),
    ),
  );

  app.get('/health', async () => ({ status: 'ok', hooks: o.hooks.size }));
  app.get('/hooks', async () => ({
    hooks: [...o.hooks.values()].map((h) => ({
      flow: h.flow,
      path: `/hooks/${h.flow}`,
      maxBytes: h.receiver.maxBytes,
    })),
  }));

  const flows = o.flows;
  if (flows) {
    app.get('/flows', async () => ({ flows: flows.list() }));
    app.post<{ Params: { flow: string } }>('/flows/:flow/runs', async (request, reply) => {
      const { flow } = request.params;
      if (!flows.list().some((f) => f.flow === flow)) {
        return reply.code(404).send(
          errorBody(
            new FlowError('FLOW_NOT_FOUND', `no flow named "${flow}"`, {
              hint: `Flows here: ${flows
                .list()
                .map((f) => f.flow)
                .join(', ')}.`,
            }),
          ),
        );
      }
      const outcome = await flows.trigger(flow);
      o.log.info({ flow, outcome }, `manual run of flow ${flow}: ${outcome}`);
      return reply.code(outcome === 'skipped' ? 409 : 202).send({ flow, outcome });
    });
  }

  app.post<{ Params: { flow: string } }>('/hooks/:flow', async (request, reply) => {
    const { flow } = request.params;
    const hook = o.hooks.get(flow);
    try {
      if (!hook) {
        const names = [...o.hooks.keys()];
        throw new FlowError('WEBHOOK_NOT_FOUND', `no webhook flow named "${flow}"`, {
          hint: names.length
            ? `Webhook flows here: ${names.join(', ')}.`
            : 'No flow of this file has a webhook.events source.',
        });
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const receivedAt = o.clock.now();
      const event = hook.receiver.accept({ headers, body, receivedAt });
      const added = await inbox
        .add({
          flow,
          eventId: event.eventId,
          payload: JSON.stringify(event.payload),
          receivedAt,
        })
        .catch((cause: unknown) => {
          throw new FlowError('STORE_UNAVAILABLE', `the event could not be stored (${toFlowError(cause).message})`, {
            hint: 'Nothing was accepted: the sender should retry. Check the state store (SYNCLINE_DB).',
            cause,
          });
        });
      if (added.duplicate) return reply.code(200).send({ accepted: false, duplicate: true, flow, seq: added.seq });
      hook.notify();
      return reply.code(202).send({ accepted: true, flow, seq: added.seq });
    } catch (raw) {
      const { status, body } = refuse(flow, toFlowError(raw), request.ip);
      if (status === 503) reply.header('retry-after', '5');
      return reply.code(status).send(body);
    }
  });
  return app;
}
