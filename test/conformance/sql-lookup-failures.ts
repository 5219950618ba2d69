import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, type FlowError, type Step } from '../../src/sdk/index.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { tempContext } from '../helpers/temp-context.js';

/** A SQL lookup step against a server that is slow or goes away (postgres, mysql). */
export interface SqlLookupFailureHarness<K> {
  /** False when the server does not answer (`requireServer`): the tests skip. */
  readonly up: boolean;
  /** The server the tests reach directly, and through a proxy they close. */
  readonly server: { readonly hostname: string; readonly port: number };
  /**
   * Creates a database with `customers (id int primary key, email unique)` holding (1, 'a@x') and a view
   * `slow_customers` over it that takes 0.6 s; returns its URL.
   */
  setup(): Promise<string>;
  teardown(): Promise<void>;
  /** Opens a connection to `url` (a short connect timeout where the driver has one). */
  connect(url: string): Promise<K>;
  close(connection: K): Promise<void>;
  /** The connection's address as its messages name it (`connection.target`). */
  target(connection: K): string;
  readonly of: Step;
  /** The start of the message when the server went away, after `lookup in connection "erp" failed: `. */
  readonly downMessage: RegExp;
  /** How long the server takes to end a statement the step stopped waiting for (ms), before the next test. */
  readonly settleMs?: number;
}

export function describeSqlLookupFailures<K>(title: string, h: SqlLookupFailureHarness<K>): void {
  describe.skipIf(!h.up)(title, () => {
    const { ctx } = tempContext('syncline-sql-lookup-fail-');
    const page = [createRecord({ email: 'a@x' }, { id: 'r1' })];
    const config = (table: string, extra: Record<string, unknown> = {}) =>
      h.of.config.parse({ connection: 'erp', table, match: { email: 'email' }, fields: { id: 'id' }, ...extra });
    let url: string;
    beforeAll(async () => {
      url = await h.setup();
    });
    afterAll(() => h.teardown());

    it('a query longer than `timeout` fails the page with a transient TIMEOUT naming the step and the connection', async () => {
      const connection = await h.connect(url);
      try {
        const p = await h.of.create(
          { config: config('slow_customers', { timeout: '100ms' }), where: 'flow f/step lookup', connection },
          ctx,
        );
        const started = Date.now();
        const error = (await Promise.resolve(p.process(page, ctx)).catch((e: unknown) => e)) as FlowError;
        expect(Date.now() - started).toBeLessThan(500);
        expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'transient', where: 'flow f/step lookup' });
        expect(error.message).toBe(
          `lookup in connection "erp" (${h.target(connection)}) took longer than 100ms (timeout) for 1 key`,
        );
        if (h.settleMs) await new Promise((resolve) => setTimeout(resolve, h.settleMs));
      } finally {
        await h.close(connection);
      }
    });

    it('a server that goes down mid-run fails each page with a transient error naming the connection and the address', async () => {
      const proxy = await startTcpProxy(h.server.hostname, h.server.port);
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(proxy.port);
      const connection = await h.connect(through.toString());
      try {
        const p = await h.of.create({ config: config('customers'), where: 'flow f/step lookup', connection }, ctx);
        expect((await p.process(page, ctx)).records[0]?.data['id']).toBe(1);
        await proxy.close();
        for (let attempt = 0; attempt < 2; attempt++) {
          const error = (await Promise.resolve(p.process(page, ctx)).catch((e: unknown) => e)) as FlowError;
          expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient', where: 'flow f/step lookup' });
          expect(error.message.replace('lookup in connection "erp" failed: ', '')).toMatch(h.downMessage);
          expect(error.message).toMatch(/^lookup in connection "erp" failed: /);
          expect(error.message).toContain(`127.0.0.1:${proxy.port}`);
        }
      } finally {
        await h.close(connection).catch(() => undefined);
      }
    });
  });
}
