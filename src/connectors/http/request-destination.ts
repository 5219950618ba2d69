import { createHash } from 'node:crypto';
import {
  bodyExcerpt,
  type CompiledTemplate,
  compileJsonTemplate,
  compileTemplate,
  type HttpResponse,
  httpErrors,
  pathReader,
  readJson,
  requestUrl,
  type ScopeReader,
  sendRequest,
  statusError,
} from '../../kit/index.js';
import {
  type Context,
  type DataRecord,
  defineDestination,
  FlowError,
  type Json,
  type Writer,
} from '../../sdk/index.js';
import type { HttpConnection } from './connection.js';
import { httpConnectorErrors } from './error-codes.js';
import { type RequestDestinationConfig, requestDestinationConfig } from './request-destination-config.js';
import { requestKeyedWrites } from './request-keyed-writes.js';
import { compileResults, type Verdict } from './write-results.js';

export { type RequestDestinationConfig, requestDestinationConfig };

interface Built {
  readonly url: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
}

type Rejected = { index: number; error: FlowError };

function hashKey(method: string, url: string, body: string | undefined): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${body ?? ''}`)
    .digest('hex')
    .slice(0, 40);
}

function idOf(get: ScopeReader | undefined, value: unknown): string | undefined {
  const v = get?.(value);
  return v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);
}

export const requestDestination = defineDestination<RequestDestinationConfig, HttpConnection>({
  type: 'request',
  description:
    'Sends records to a REST API: one request per record (with concurrency) or one JSON array per batch; 4xx answers reject the record, 5xx/429/timeouts are retried.',
  config: requestDestinationConfig,
  keyedWrites: requestKeyedWrites,
  async open({ config, connection }) {
    const pathT = compileTemplate(config.path);
    if (config.mode === 'batch' && !pathT.constant) {
      throw new FlowError('CONFIG_INVALID', `path "${config.path}" has record placeholders, but mode is batch`, {
        where: connection.label,
        field: 'path',
        hint: 'Use a fixed path in batch mode, or mode: record.',
      });
    }
    const queryT = Object.entries(config.query).map(([k, v]) => [k, compileTemplate(String(v))] as const);
    const headerT = Object.entries(config.headers).map(([k, v]) => [k, compileTemplate(v)] as const);
    const bodyT = config.body === undefined ? undefined : compileJsonTemplate(config.body);
    const keyT: CompiledTemplate | undefined = config.idempotencyKey?.template
      ? compileTemplate(config.idempotencyKey.template)
      : undefined;
    const getId = config.idPath ? pathReader(config.idPath) : undefined;
    const results = config.results ? compileResults(config.results) : undefined;
    const method = config.method;

    /** A 2xx answer that refuses a record (per-record results), or a 207 that cannot say which. */
    const refused = (response: HttpResponse, record: DataRecord, verdict: Verdict | undefined, of: string) => {
      const who = `record ${record.meta.id}${of}`;
      if (verdict === undefined)
        return httpConnectorErrors.fail(
          'HTTP_MULTI_STATUS',
          `${who}: ${response.label.request} answered 207 Multi-Status (some records failed) and the destination has no \`results\` to tell which, so it is not counted as written: ${bodyExcerpt(connection.mask.text(response.text), 200)}`,
          {
            where: connection.label,
            hint: "Set `results` to read each record's outcome from the answer; records kept here are sent again on retry (use upserts or an idempotency key).",
          },
        );
      return httpConnectorErrors.fail(
        'HTTP_RECORD_REJECTED',
        `${who}: ${response.label.request} answered ${response.status}, but its result for the record says it was not written: ${verdict.ok ? '' : verdict.error}`,
        { where: connection.label },
      );
    };

    const bodyOf = (record: DataRecord, missing: string[]): Json | undefined =>
      bodyT ? bodyT(record.data, missing) : method === 'DELETE' ? undefined : record.data;

    const build = (record: DataRecord, missing: string[]): Built => {
      const query: Record<string, string> = {};
      for (const [k, t] of queryT) query[k] = t.render(record.data, undefined, missing);
      const headers: Record<string, string> = {};
      for (const [k, t] of headerT) headers[k] = t.render(record.data, undefined, missing);
      const url = requestUrl(connection, pathT.render(record.data, encodeURIComponent, missing), query);
      const json = bodyOf(record, missing);
      const body = json === undefined ? undefined : JSON.stringify(json);
      if (config.idempotencyKey) {
        headers[config.idempotencyKey.header] = keyT
          ? keyT.render(record.data, undefined, missing)
          : hashKey(method, url, body);
      }
      return { url, body, headers };
    };

    const missingError = (record: DataRecord, missing: string[]) =>
      new FlowError(
        'RECORD_MISSING_FIELD',
        `record ${record.meta.id} has no value for "${missing[0]}" used by the request template`,
        {
          where: `${connection.label} record ${record.meta.id}`,
          field: missing[0] as string,
          hint: 'Add the field to the record (e.g. with a map step) or change the path/body/query template.',
        },
      );

    const rejectedBy = (response: HttpResponse, ids: string): FlowError | undefined => {
      const error = statusError(response.label, response);
      if (error.kind !== 'record') return error;
      return httpErrors.fail('HTTP_REJECTED', `${ids}: ${error.message}`, { where: connection.label });
    };

    const send = (b: Built, ctx: Context) =>
      sendRequest(
        connection,
        { method, url: b.url, headers: b.headers, ...(b.body === undefined ? {} : { body: b.body }) },
        ctx,
      );

    /** A 404/410 with `notFound` set: skipped (true), or the record's RECORD_NOT_FOUND. */
    const notFound = (response: HttpResponse, record: DataRecord): FlowError | true | undefined => {
      if (config.notFound === undefined || (response.status !== 404 && response.status !== 410)) return undefined;
      if (config.notFound === 'skip') return true;
      return new FlowError(
        'RECORD_NOT_FOUND',
        `record ${record.meta.id}: ${response.label.request} answered ${response.status}: the API has no such record`,
        { where: `${connection.label} record ${record.meta.id}` },
      );
    };

    const writeRecords = async (records: readonly DataRecord[], ctx: Context) => {
      const ids: (string | undefined)[] = new Array(records.length).fill(undefined);
      const rejected: Rejected[] = [];
      let skipped = 0;
      let failure: FlowError | undefined;
      let next = 0;
      const one = async (index: number) => {
        const record = records[index] as DataRecord;
        const missing: string[] = [];
        const built = build(record, missing);
        if (missing.length > 0) return void rejected.push({ index, error: missingError(record, missing) });
        const response = await send(built, ctx);
        const missingRecord = notFound(response, record);
        if (missingRecord === true) return void skipped++;
        if (missingRecord !== undefined) return void rejected.push({ index, error: missingRecord });
        if (!response.ok) {
          const error = rejectedBy(response, `record ${record.meta.id}`);
          if (error?.kind === 'record') rejected.push({ index, error });
          else failure ??= error;
          return;
        }
        if (results) {
          const [verdict] = results.read(readJson(response, connection.mask.text), 1, response, connection.mask.text);
          if (verdict?.ok) ids[index] = verdict.id;
          else rejected.push({ index, error: refused(response, record, verdict, '') });
        } else if (response.status === 207) rejected.push({ index, error: refused(response, record, undefined, '') });
        else if (getId) ids[index] = idOf(getId, readJson(response, connection.mask.text));
      };
      const worker = async () => {
        while (failure === undefined && next < records.length) {
          const index = next++;
          try {
            await one(index);
          } catch (error) {
            failure ??= error instanceof FlowError ? error : new FlowError('INTERNAL', String(error), { cause: error });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(config.concurrency, records.length) }, worker));
      if (failure) throw failure;
      rejected.sort((a, b) => a.index - b.index);
      return { ids, rejected, skipped, written: records.length - rejected.length - skipped };
    };

    const writeBatch = async (records: readonly DataRecord[], ctx: Context) => {
      const rejected: Rejected[] = [];
      const included: number[] = [];
      const bodies: Json[] = [];
      for (let i = 0; i < records.length; i++) {
        const record = records[i] as DataRecord;
        const missing: string[] = [];
        const json = bodyOf(record, missing) ?? record.data;
        if (missing.length > 0) rejected.push({ index: i, error: missingError(record, missing) });
        else {
          included.push(i);
          bodies.push(json);
        }
      }
      const ids: (string | undefined)[] = new Array(records.length).fill(undefined);
      if (included.length === 0) return { ids, rejected };
      const url = requestUrl(connection, config.path, Object.fromEntries(queryT.map(([k, t]) => [k, t.render({})])));
      const body = JSON.stringify(config.wrap ? { [config.wrap]: bodies } : bodies);
      const headers: Record<string, string> = {};
      for (const [k, t] of headerT) headers[k] = t.render({});
      if (config.idempotencyKey) headers[config.idempotencyKey.header] = hashKey(method, url, body);
      const response = await send({ url, body, headers }, ctx);
      if (!response.ok) {
        const first = (records[included[0] as number] as DataRecord).meta.id;
        const error = rejectedBy(response, `batch of ${included.length} records (first ${first})`);
        if (error?.kind !== 'record') throw error;
        for (const index of included) rejected.push({ index, error });
        rejected.sort((a, b) => a.index - b.index);
        return { ids, rejected };
      }
      if (results) {
        const verdicts = results.read(
          readJson(response, connection.mask.text),
          included.length,
          response,
          connection.mask.text,
        );
        for (let j = 0; j < included.length; j++) {
          const index = included[j] as number;
          const verdict = verdicts[j] as Verdict;
          if (verdict.ok) ids[index] = verdict.id;
          else
            rejected.push({
              index,
              error: refused(
                response,
                records[index] as DataRecord,
                verdict,
                ` (${j + 1} of ${included.length} in the batch)`,
              ),
            });
        }
        rejected.sort((a, b) => a.index - b.index);
        return { ids, rejected };
      }
      if (response.status === 207) {
        for (const index of included)
          rejected.push({
            index,
            error: refused(response, records[index] as DataRecord, undefined, ` (batch of ${included.length})`),
          });
        rejected.sort((a, b) => a.index - b.index);
        return { ids, rejected };
      }
      if (getId) {
        const answer = readJson(response, connection.mask.text);
        const list = Array.isArray(answer)
          ? answer
          : config.wrap && typeof answer === 'object' && answer !== null
            ? (answer as { [k: string]: Json })[config.wrap]
            : undefined;
        if (Array.isArray(list))
          for (let j = 0; j < included.length; j++) ids[included[j] as number] = idOf(getId, list[j]);
      }
      return { ids, rejected };
    };

    const writer: Writer = {
      async write(records, ctx) {
        if (records.length === 0) return { ids: [], rejected: [] };
        return config.mode === 'batch' ? writeBatch(records, ctx) : writeRecords(records, ctx);
      },
      async close() {},
    };
    return writer;
  },
});
