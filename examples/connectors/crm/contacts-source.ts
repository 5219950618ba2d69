import { z } from 'zod';
import {
  bodyCursorPaging,
  loopGuard,
  type PageState,
  readJson,
  requestRetry,
  requestUrl,
  sendRequest,
  statusError,
} from '../../../src/kit/index.js';
import {
  type Context,
  createRecord,
  type DataRecord,
  defineSource,
  FlowError,
  type Json,
  type JsonObject,
  type Page,
  type ReadArgs,
} from '../../../src/sdk/index.js';
import { crmApiErrors } from './api-errors.js';
import type { CrmConnection } from './connection.js';
import { type ContactsCheckpoint, readContactsCheckpoint } from './contacts-checkpoint.js';

export const contactsSourceConfig = z
  .object({
    /** Contacts per request (the CRM allows 1–100). */
    pageSize: z.number().int().min(1).max(100).default(100),
  })
  .strict();

export type ContactsSourceConfig = z.infer<typeof contactsSourceConfig>;

/** The field the CRM orders by and filters on (`updated_since`): the only delta field it offers. */
export const CONTACTS_CURSOR_FIELD = 'updated_at';

const toRecord = (contact: JsonObject, page: number): DataRecord =>
  createRecord(
    contact,
    { id: String(contact['id']), position: `contacts page ${page}` },
    typeof contact['email'] === 'string' ? contact['email'] : undefined,
  );

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The contacts of an answer, `{ "data": [ … ], "next_cursor": … }`; another shape fails naming the request. */
function contactsOf(body: Json, request: string, where: string): JsonObject[] {
  const data = isObject(body) ? body['data'] : undefined;
  if (Array.isArray(data) && data.every(isObject)) return data;
  throw new FlowError('HTTP_BAD_RESPONSE', `${request} answered without a "data" list of contacts`, { where });
}

async function* readContacts(args: ReadArgs<ContactsSourceConfig, CrmConnection>, ctx: Context): AsyncGenerator<Page> {
  const { config, connection: client } = args;
  const where = `${client.label} crm.contacts`;
  if (args.cursorField !== undefined && args.cursorField !== CONTACTS_CURSOR_FIELD) {
    throw new FlowError(
      'CONFIG_INVALID',
      `delta.field is "${args.cursorField}": the CRM filters contacts by updated_at only`,
      {
        where,
        field: 'delta.field',
        hint: 'Write `delta: { field: updated_at }` on a crm.contacts source.',
      },
    );
  }
  const resumed: ContactsCheckpoint | undefined =
    args.from === undefined ? undefined : readContactsCheckpoint(args.from, where);
  if (resumed !== undefined && 'done' in resumed) return;

  const paging = bodyCursorPaging({ cursorPath: 'next_cursor', cursorParam: 'cursor' });
  const guard = loopGuard(paging, { where });
  const retry = requestRetry({ maxAttempts: 5, baseMs: 500, maxMs: 30_000 }, ctx);
  const query: Record<string, string> = { limit: String(config.pageSize) };
  const since = args.since === undefined || args.since === null ? undefined : String(args.since);
  if (since !== undefined) query['updated_since'] = since;
  const sinceMs = since === undefined ? undefined : Date.parse(since);
  const urlOf = (state: PageState) => requestUrl(client, '/contacts', { ...query, ...paging.query(state) });

  let state: PageState = resumed === undefined ? paging.first : { ...paging.first, cursor: resumed.cursor };
  for (let page = 1; ; page++) {
    const url = urlOf(state);
    guard.request('GET', url, undefined, `URL ${client.mask.url(url)}`);
    const response = await retry(async () => {
      const r = await sendRequest(client, { method: 'GET', url }, ctx);
      if (!r.ok) throw statusError(r.label, r, { rejectKind: 'config', vendor: crmApiErrors });
      return r;
    });
    const body = readJson(response, client.mask.text);
    const items = contactsOf(body, response.label.request, where);
    if (items.length === 0) return;
    const next = paging.next(
      { body, items, headers: response.headers, url, request: response.label.request, page, where },
      state,
    );
    const checkpoint: ContactsCheckpoint = next?.state.cursor ? { cursor: next.state.cursor } : { done: true };
    // `updated_since` keeps a contact changed at the watermark itself; the contract is "after it"
    const changed = sinceMs === undefined ? items : items.filter((c) => Date.parse(String(c['updated_at'])) > sinceMs);
    if (changed.length > 0) yield { records: changed.map((c) => toRecord(c, page)), checkpoint };
    if (next === undefined) return;
    state = next.state;
  }
}

/** `crm.contacts`: every contact in `updated_at` order, a page per request; delta since a watermark. */
export const contactsSource = defineSource<ContactsSourceConfig, CrmConnection>({
  type: 'contacts',
  description: 'Contacts of the CRM, oldest change first (delta on updated_at)',
  config: contactsSourceConfig,
  read: readContacts,
});
