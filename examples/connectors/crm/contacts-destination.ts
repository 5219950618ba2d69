import { z } from 'zod';
import { requestJson } from '../../../src/kit/index.js';
import {
  type Context,
  type DataRecord,
  defineDestination,
  FlowError,
  type JsonObject,
  type OpenArgs,
  type WriteResult,
  type Writer,
} from '../../../src/sdk/index.js';
import { crmApiErrors } from './api-errors.js';
import { batchOutcome } from './batch-results.js';
import type { CrmConnection } from './connection.js';

export const contactsDestinationConfig = z
  .object({
    /** The CRM offers upsert by email only: a contact is created, or changed when its email exists. */
    operation: z.literal('upsert').default('upsert'),
    /** Contacts per request (the CRM takes at most 100). */
    batchSize: z.number().int().min(1).max(100).default(100),
  })
  .strict();

export type ContactsDestinationConfig = z.infer<typeof contactsDestinationConfig>;

/** The fields of a contact the CRM accepts; anything else in a record is left out of the request. */
const CONTACT_FIELDS = ['email', 'name', 'company'] as const;

function contactOf(record: DataRecord): JsonObject {
  const contact: JsonObject = {};
  for (const field of CONTACT_FIELDS) {
    const value = record.data[field];
    if (value !== undefined) contact[field] = value;
  }
  return contact;
}

const noEmail = (record: DataRecord) =>
  new FlowError('RECORD_NO_KEY', `record ${record.meta.id} has no email, the key the CRM upserts by`, {
    where: record.meta.position ?? record.meta.id,
    field: 'email',
  });

function contactsWriter(config: ContactsDestinationConfig, client: CrmConnection): Writer {
  const where = `${client.label} crm.contacts`;
  return {
    async write(records: readonly DataRecord[], ctx: Context): Promise<WriteResult> {
      const ids: (string | undefined)[] = records.map(() => undefined);
      const rejected: { index: number; error: FlowError }[] = [];
      // a record without its key never leaves the process; the others go in batches of batchSize
      const sendable: number[] = [];
      for (const [i, record] of records.entries()) {
        const email = record.data['email'];
        if (typeof email === 'string' && email !== '') sendable.push(i);
        else rejected.push({ index: i, error: noEmail(record) });
      }
      for (let start = 0; start < sendable.length; start += config.batchSize) {
        const indexes = sendable.slice(start, start + config.batchSize);
        const sent = indexes.map((i) => records[i] as DataRecord);
        const request = {
          method: 'POST',
          url: '/contacts/batch-upsert',
          body: JSON.stringify({ records: sent.map(contactOf) }),
        };
        // a whole-batch refusal is permanent (config); 429 and 5xx are transient and the engine retries the batch
        const body = await requestJson(client, request, ctx, { rejectKind: 'config', vendor: crmApiErrors });
        const outcome = batchOutcome(
          sent,
          body ?? null,
          `POST ${client.mask.url(client.baseUrl)}/contacts/batch-upsert`,
          where,
        );
        for (const [j, id] of outcome.ids.entries()) ids[indexes[j] as number] = id;
        for (const r of outcome.rejected) rejected.push({ index: indexes[r.index] as number, error: r.error });
      }
      rejected.sort((a, b) => a.index - b.index);
      return { ids, rejected, written: records.length - rejected.length };
    },
    async close() {},
  };
}

/** `crm.contacts` as a destination: upsert by email through the CRM's batch endpoint, per-contact results. */
export const contactsDestination = defineDestination<ContactsDestinationConfig, CrmConnection>({
  type: 'contacts',
  description: 'Contacts of the CRM, upserted by email in batches (each contact accepted or refused alone)',
  config: contactsDestinationConfig,
  open: async (args: OpenArgs<ContactsDestinationConfig, CrmConnection>) =>
    contactsWriter(args.config, args.connection),
});
