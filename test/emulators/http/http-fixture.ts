import { afterAll, beforeAll } from 'vitest';
import {
  type HttpConnection,
  httpConnectionConfig,
  openHttpConnection,
} from '../../../src/connectors/http/connection.js';
import { requestSource } from '../../../src/connectors/http/request-source.js';
import {
  type Clock,
  type Context,
  type Json,
  noMetrics,
  type Page,
  silentLogger,
  systemClock,
} from '../../../src/sdk/index.js';
import { type HttpTestServer, type HttpTestServerOptions, startHttpTestServer } from '../http-test-server.js';

/** A test server for the file's tests: started before them, closed after. */
export function useHttpTestServer(options?: HttpTestServerOptions): { readonly server: HttpTestServer } {
  const holder = {} as { server: HttpTestServer };
  beforeAll(async () => {
    holder.server = await startHttpTestServer(options);
  });
  afterAll(() => holder.server?.close());
  return holder;
}

/** The system clock, but every sleep is recorded and shortened to 1 ms. */
export function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    ...systemClock,
    sleeps,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return systemClock.sleep(1, signal);
    },
  };
}

export function testContext(clock: Clock = systemClock, signal = new AbortController().signal): Context {
  return { runId: 't', flow: 't', signal, clock, log: silentLogger, metrics: noMetrics, baseDir: '.' };
}

export function connect(url: string, config: Record<string, unknown> = {}): HttpConnection {
  return openHttpConnection(httpConnectionConfig.parse({ baseUrl: url, ...config }));
}

export interface ReadOptions {
  from?: Json;
  since?: Json;
  ctx?: Context;
  /** Stop after this many pages. */
  pages?: number;
}

export async function readPages(
  connection: HttpConnection,
  config: Record<string, unknown>,
  options: ReadOptions = {},
): Promise<Page[]> {
  const parsed = requestSource.config.parse({ retry: { maxAttempts: 3, baseMs: 5, maxMs: 50 }, ...config });
  const pages: Page[] = [];
  const args = {
    config: parsed,
    connection,
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.since === undefined ? {} : { since: options.since }),
  };
  for await (const page of requestSource.read(args, options.ctx ?? testContext())) {
    pages.push(page);
    if (options.pages !== undefined && pages.length >= options.pages) break;
  }
  return pages;
}

export const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));
