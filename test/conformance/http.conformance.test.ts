import { afterAll } from 'vitest';
import { httpConnector } from '../../src/connectors/http/index.js';
import {
  type Context,
  type Destination,
  type Json,
  noMetrics,
  type Page,
  type Source,
  type Step,
  silentLogger,
  systemClock,
} from '../../src/sdk/index.js';
import { type HttpTestServer, startHttpTestServer } from '../emulators/http-test-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { type DestinationTarget, describeDestinationConformance, type Row } from './destination-conformance.js';
import { describeLookupConformance } from './lookup-conformance.js';
import { describeSourceConformance } from './source-conformance.js';

// Only the connector's public object: what the engine sees.
const source = httpConnector.sources?.find((s) => s.type === 'request') as Source;
const destination = httpConnector.destinations?.find((d) => d.type === 'request') as Destination;
const lookup = httpConnector.steps?.find((s) => s.type === 'lookup') as Step;
const openCtx: Context = {
  runId: 'conformance',
  flow: 'conformance',
  signal: new AbortController().signal,
  clock: systemClock,
  log: silentLogger,
  metrics: noMetrics,
  baseDir: '.',
};
const servers: HttpTestServer[] = [];
const proxies: TcpProxy[] = [];
afterAll(async () => {
  for (const p of proxies) await p.close();
  for (const s of servers) await s.close();
});
const serve = async (records = 7) => {
  const server = await startHttpTestServer({ records });
  servers.push(server);
  return server;
};
const connect = (baseUrl: string, extra: Record<string, unknown> = {}) =>
  Promise.resolve(httpConnector.open(httpConnector.connection.parse({ baseUrl, ...extra }), openCtx));

let items: HttpTestServer;
let itemsConnection: unknown;
describeSourceConformance('http.request', {
  async setup() {
    items = await serve(7);
    itemsConnection = await connect(items.url);
  },
  // offset paging, two a page; a read since a watermark asks the endpoint that filters by it
  read: ({ from, since }, ctx): AsyncIterable<Page> =>
    source.read(
      {
        config: source.config.parse(
          since === undefined
            ? {
                path: '/items/offset',
                recordsPath: 'data.items',
                idField: 'id',
                pagination: { type: 'offset', limit: 2 },
              }
            : { path: '/items/all', idField: 'id', sinceParam: 'updated_since' },
        ),
        connection: itemsConnection,
        ...(from === undefined ? {} : { from }),
        ...(since === undefined ? {} : { since }),
      },
      ctx,
    ),
  ids: () => ['1', '2', '3', '4', '5', '6', '7'],
  delta: { since: () => '2026-01-01T00:03:00.000Z', ids: () => ['5', '6', '7'] },
  badRows: { skip: 'every item of an answer is a record: a non-object item becomes { value }, never a failure' },
  resources: {
    skip: 'requests go through the process-wide fetch dispatcher; a connection opens no sockets of its own to count',
  },
});

/** A fresh server per target: its customers are the target's rows. */
const servedBy = new WeakMap<DestinationTarget, { server: HttpTestServer; proxy: TcpProxy }>();
describeDestinationConformance('http.request', {
  async target(seed: readonly Row[]) {
    const server = await serve(0);
    const port = Number(new URL(server.url).port);
    const proxy = await startTcpProxy('127.0.0.1', port);
    proxies.push(proxy);
    for (const row of seed) server.stats.customers.set(String(row.id), { id: String(row.id), name: row.name });
    const connection = await connect(`http://127.0.0.1:${proxy.port}`);
    const configs = {
      insert: { method: 'POST', path: '/customers', idPath: 'data.id' },
      upsert: { method: 'PUT', path: '/customers/{{id}}', idPath: 'data.id' },
      update: { method: 'PATCH', path: '/customers/{{id}}', idPath: 'data.id' },
    } as const;
    const target: DestinationTarget = {
      open: (operation, ctx) => {
        if (operation === 'ignore') throw new Error('http.request offers no ignore-existing');
        return destination.open({ config: destination.config.parse(configs[operation]), connection }, ctx);
      },
      rows: async () =>
        [...server.stats.customers.values()]
          .map((c) => ({ id: Number(c['id']), name: (c['name'] ?? null) as string | null }))
          .sort((a, b) => a.id - b.id),
    };
    servedBy.set(target, { server, proxy });
    return target;
  },
  operations: {
    insert: {},
    upsert: {},
    update: { missing: 'HTTP_REJECTED' },
    ignore: { skip: 'HTTP has no insert-if-absent method; an API that offers one is configured as insert' },
  },
  countsUnchanged: false,
  noKey: { code: 'RECORD_MISSING_FIELD' },
  rejects: { record: (id) => ({ id, name: 'bad', bad: true }), code: 'HTTP_REJECTED' },
  rewrite: { by: 'upsert' },
  transient: {
    code: 'TRANSIENT_IO',
    // the API goes away (connections reset, then refused) and comes back at the same address
    async fail(target, writer, records, ctx) {
      const { server, proxy } = servedBy.get(target) as { server: HttpTestServer; proxy: TcpProxy };
      await proxy.close();
      const error = await writer.write(records, ctx).catch((e: unknown) => e);
      proxies.push(await startTcpProxy('127.0.0.1', Number(new URL(server.url).port), proxy.port));
      return error;
    },
  },
  permanent: {
    skip: 'in record mode the API judges each record alone (a 4xx rejects that record); whole-batch refusals of batch mode are tested in request-destination.test.ts',
  },
  ids: { of: (data) => String(data['id']) },
});

let contacts: HttpTestServer;
let contactsConnection: unknown;
describeLookupConformance('http.lookup', {
  async setup() {
    contacts = await serve(0);
    contactsConnection = await connect(contacts.url);
  },
  create: (options, ctx) =>
    lookup.create(
      {
        config: lookup.config.parse({
          connection: 'crm',
          // contacts are found at /contacts/<email>; `kind: status` asks /status/<code> (an error status)
          path: '/{{kind}}/{{email}}',
          key: '{{kind}}/{{email}}',
          recordsPath: 'data',
          fields: { found: 'id' },
          onMissing: options.onMissing,
          ...(options.default === undefined ? {} : { default: { found: options.default } }),
          ...(options.cache ? { cache: options.cache } : {}),
        }),
        where: 'flow f/step lookup',
        connection: contactsConnection,
      },
      ctx,
    ),
  found: () => [
    { record: { kind: 'contacts', email: 'u1@x.com' }, value: 'c1' as Json },
    { record: { kind: 'contacts', email: 'u3@x.com' }, value: 'c3' },
  ],
  missing: () => ({ kind: 'contacts', email: 'nobody@x.com' }),
  calls: () => contacts.stats.count('/contacts'),
  failure: { record: () => ({ kind: 'status', email: '422' }), code: 'HTTP_REJECTED' },
});
