import { afterAll } from 'vitest';
import { type DataRecord, type Json, type Writer, withData } from '../../../src/sdk/index.js';
import { conformanceContext } from '../../../test/conformance/conformance-context.js';
import {
  type DestinationTarget,
  describeDestinationConformance,
  type Row,
} from '../../../test/conformance/destination-conformance.js';
import { describeSourceConformance } from '../../../test/conformance/source-conformance.js';
import { type CrmEmulator, createCrmEmulator } from '../../../test/emulators/crm/crm-emulator.js';
import { crmSeedSchema } from '../../../test/emulators/crm/crm-seed.js';
import { crmConnector } from './index.js';

// Only the connector's public object: what the engine sees.
const source = crmConnector.sources?.find((s) => s.type === 'contacts');
const destination = crmConnector.destinations?.find((d) => d.type === 'contacts');
if (!source || !destination) throw new Error('crm offers crm.contacts as a source and a destination');
const openCtx = conformanceContext();
const apiKey = 'conformance-key-1';
// the suites read many times in a row: a quota this high never answers 429 (contacts.test.ts tests the limit)
const rateLimit = { requests: 100_000, perSeconds: 1 };
const emulators: CrmEmulator[] = [];
afterAll(async () => {
  for (const e of emulators) await e.close();
});
async function start(contacts: { email: string; name: string; updated_at?: string }[]) {
  const crm = createCrmEmulator({ seed: crmSeedSchema.parse({ apiKey, rateLimit, contacts }) });
  emulators.push(crm);
  const url = await crm.listen();
  const connection = await crmConnector.open(crmConnector.connection.parse({ baseUrl: `${url}/v1`, apiKey }), openCtx);
  return { crm, connection };
}

/** Seven contacts changed an hour apart from 2026-01-01T00:00Z: ids c_000001 … c_000007 in that order. */
const at = (hour: number) => new Date(Date.UTC(2026, 0, 1, hour)).toISOString();
let contacts: unknown;
describeSourceConformance('crm.contacts', {
  async setup() {
    const seven = Array.from({ length: 7 }, (_, i) => ({
      email: `p${i + 1}@example.com`,
      name: `P ${i + 1}`,
      updated_at: at(i),
    }));
    contacts = (await start(seven)).connection;
  },
  read: ({ from, since }, ctx) =>
    source.read(
      {
        config: source.config.parse({ pageSize: 2 }),
        connection: contacts,
        ...(from === undefined ? {} : { from }),
        ...(since === undefined ? {} : { since, cursorField: 'updated_at' }),
      },
      ctx,
    ),
  ids: () => ['c_000001', 'c_000002', 'c_000003', 'c_000004', 'c_000005', 'c_000006', 'c_000007'],
  // the watermark is contact 4's own time: it was handled, so only 5, 6 and 7 come
  delta: { since: () => at(3) as Json, ids: () => ['c_000005', 'c_000006', 'c_000007'] },
  badRows: {
    skip: 'the CRM answers well-formed contacts only; an answer of another shape fails the read (HTTP_BAD_RESPONSE)',
  },
  resources: {
    skip: 'requests go through the process-wide fetch dispatcher; a connection opens no sockets of its own to count',
  },
});

/**
 * The suite's rows are `{ id, name }` keyed by id; the CRM keys contacts by email. The harness writes
 * row `id` as the contact `row<id>@conformance.test` (a record without `id` has no email), and reads
 * the contacts back as rows the same way. The writer under test is the connector's own.
 */
const emailOf = (id: Json | undefined) => (id === undefined ? undefined : `row${String(id)}@conformance.test`);
const asContact = (record: DataRecord): DataRecord => {
  const { id, ...rest } = record.data;
  const email = emailOf(id);
  return withData(record, email === undefined ? rest : { ...rest, email });
};
const rowsOf = (crm: CrmEmulator): Row[] =>
  crm.contacts
    .query()
    .map((c) => ({ id: Number(/^row(\d+)@/.exec(c.data.email)?.[1]), name: c.data.name }))
    .sort((a, b) => a.id - b.id);
const targets = new WeakMap<DestinationTarget, CrmEmulator>();
let latest: CrmEmulator | undefined;

describeDestinationConformance('crm.contacts', {
  async target(seed: readonly Row[]) {
    const { crm, connection } = await start(seed.map((r) => ({ email: emailOf(r.id) as string, name: r.name ?? '' })));
    latest = crm;
    const target: DestinationTarget = {
      async open(operation, ctx) {
        const writer = await destination.open(
          { config: destination.config.parse({ operation, batchSize: 2 }), connection },
          ctx,
        );
        return {
          write: (records, c, batch) => writer.write(records.map(asContact), c, batch),
          close: (c) => writer.close(c),
        } satisfies Writer;
      },
      rows: async () => rowsOf(crm),
    };
    targets.set(target, crm);
    return target;
  },
  operations: {
    upsert: {},
    insert: { skip: 'the CRM offers upsert by email only (operation: upsert)' },
    update: { skip: 'the CRM offers upsert by email only (operation: upsert)' },
    ignore: { skip: 'the CRM offers upsert by email only (operation: upsert)' },
  },
  countsUnchanged: false,
  noKey: { code: 'RECORD_NO_KEY', field: 'email' },
  // an empty name is refused by the CRM alone (INVALID_FIELD) and mapped to the connector's code
  rejects: { record: (id) => ({ id, name: '' }), code: 'CRM_INVALID_CONTACT' },
  rewrite: { by: 'upsert' },
  transient: {
    code: 'TRANSIENT_IO',
    // the CRM answers its batch endpoint with one 503, then works again
    async fail(target, writer, records, ctx) {
      const crm = targets.get(target) as CrmEmulator;
      crm.faults.add({ fault: { kind: 'status', status: 503 }, path: '/v1/contacts/batch-upsert', times: 1 });
      return writer.write(records, ctx).catch((e: unknown) => e);
    },
  },
  permanent: {
    skip: 'the CRM judges each contact of a batch alone; it refuses a batch whole only for its shape (INVALID_BODY, more than 100), which the writer never sends',
  },
  // the CRM gives the ids: each record's is the id of the contact with its email
  ids: {
    of: (data) =>
      latest?.contacts.query({ where: [{ field: 'email', op: 'eq', value: emailOf(data['id']) as string }] })[0]?.id ??
      'none',
  },
});
