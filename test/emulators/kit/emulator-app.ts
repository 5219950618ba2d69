import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { CONTROL_PREFIX, registerControlRoutes } from './control-routes.js';
import { type EmulatorClock, systemEmulatorClock } from './emulator-clock.js';
import { createFaultInjector, type FaultInjector, type FaultSignals } from './fault-injector.js';
import { createRecorder, type Recorder, type RecorderOptions } from './recorder.js';

/**
 * The Fastify app every vendor emulator is built on: the clock, a recorder of every call and a fault
 * injector already hooked in (recorder first, so injected faults are recorded too), form bodies parsed
 * (OAuth2 token requests), and the control routes under `/_emulator/` (control-routes.ts). The
 * emulator adds its record sets, auth checks and routes, then `listen`s.
 */
export interface EmulatorAppOptions {
  readonly clock?: EmulatorClock;
  readonly recorder?: RecorderOptions;
  /** The vendor's answers to injected faults (default: 429 with Retry-After, `{ error }` bodies). */
  readonly signals?: FaultSignals;
  /** Turn the recorder off (benchmarks). */
  readonly record?: boolean;
}

export interface EmulatorApp {
  readonly app: FastifyInstance;
  readonly clock: EmulatorClock;
  readonly recorder: Recorder;
  readonly faults: FaultInjector;
  /** Listens on 127.0.0.1 (port 0: any free one) and returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** A 429 with `Retry-After: <seconds>` (RFC 9110 §10.2.3) and a JSON error. */
export const retryAfterSignal = (reply: FastifyReply, retryAfterSeconds: number): FastifyReply =>
  reply.code(429).header('retry-after', String(retryAfterSeconds)).send({ error: 'rate limited', retryAfterSeconds });

export function createEmulatorApp(options: EmulatorAppOptions = {}): EmulatorApp {
  const clock = options.clock ?? systemEmulatorClock;
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const recorder = createRecorder(options.recorder);
  const faults = createFaultInjector(clock, options.signals ?? { rateLimited: retryAfterSignal });
  const vendorRoute = (url: string) => !url.startsWith(CONTROL_PREFIX);
  if (options.record !== false) {
    app.addHook('onRequest', async (req) => (vendorRoute(req.url) ? recorder.onRequest(req) : undefined));
    app.addHook('preHandler', recorder.preHandler);
    app.addHook('onResponse', recorder.onResponse);
  }
  app.addHook('onRequest', async (req, reply) => (vendorRoute(req.url) ? faults.hook(req, reply) : undefined));
  registerControlRoutes(app, { recorder, faults });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  return {
    app,
    clock,
    recorder,
    faults,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      return `http://${host}:${bound}`;
    },
    close: () => app.close(),
  };
}
