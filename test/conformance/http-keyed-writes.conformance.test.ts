import { afterAll } from 'vitest';
import { httpConnector } from '../../src/connectors/http/index.js';
import type { Destination, JsonObject } from '../../src/sdk/index.js';
import { type HttpTestServer, startHttpTestServer } from '../emulators/http-test-server.js';
import { conformanceContext } from './conformance-context.js';
import { describeKeyedWritesConformance } from './keyed-writes-conformance.js';

// Only the connector's public object: what a sync sees.
const destination = httpConnector.destinations?.find((d) => d.type === 'request') as Destination;
const servers: HttpTestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

const variants: { label: string; config: JsonObject }[] = [
  // REST conventions: POST /customers, PATCH and DELETE /customers/{{id}}
  { label: 'by convention', config: { path: '/customers', idPath: 'data.id' } },
  {
    label: 'operations given',
    config: {
      path: '/nowhere',
      create: { method: 'POST', path: '/customers', idPath: 'data.id' },
      update: { method: 'PATCH', path: '/customers/{{id}}' },
      delete: { method: 'DELETE', path: '/customers/{{id}}', notFound: 'skip' },
    },
  },
];

for (const { label, config } of variants) {
  describeKeyedWritesConformance(`http.request (${label})`, {
    of: destination,
    // a fresh server per record set: its customers are the rows (ids from 1000 when the API gives them)
    async target(seed) {
      const server = await startHttpTestServer({ records: 0 });
      servers.push(server);
      for (const row of seed) server.stats.customers.set(String(row.id), { ...row, id: String(row.id) });
      const connection = await httpConnector.open(
        httpConnector.connection.parse({ baseUrl: server.url }),
        conformanceContext(),
      );
      return {
        config,
        connection,
        rows: async () => [...server.stats.customers.values()] as JsonObject[],
      };
    },
    generated: {},
    carried: {},
  });
}
