import { z } from 'zod';
import type { Timer } from '../../sdk/clock.js';
import type { Context } from '../../sdk/context.js';
import { durationSchema, parseDuration } from '../../sdk/duration.js';
import { FlowError, toFlowError } from '../../sdk/errors.js';
import type { Json, JsonObject } from '../../sdk/json.js';
import type { Failed } from '../../sdk/page.js';
import { type DataRecord, withData } from '../../sdk/record.js';
import type { ProcessResult } from '../../sdk/step.js';
import type { StateWrite } from '../../sdk/step-state.js';
import { parsePath, pathSchema, readPath, type Segment } from '../path.js';
import { type CachedRow, lookupCacheConfig, lookupNamespace, SharedLookupCache } from './lookup-cache.js';

/**
 * Reads a path of the project's path language (`a.b[0].c`, `meta["x.y"]`) out of record data;
 * `undefined` when it does not resolve or is malformed (schemas reject malformed paths with
 * `pathSchema` before anything runs).
 */
export function valueAt(data: JsonObject, path: string): Json | undefined {
  let segments = parsed.get(path);
  if (segments === undefined) {
    const result = parsePath(path);
    segments = typeof result === 'string' ? null : result;
    if (parsed.size > 1000) parsed.clear();
    parsed.set(path, segments);
  }
  return segments === null ? undefined : readPath(data, segments);
}

const parsed = new Map<string, Segment[] | null>();

/** The key of a tuple of match values: numbers and text compare by their text, as SQL servers convert them. */
export const lookupKeyOf = (values: readonly Json[]): string =>
  values.length === 1 ? String(values[0]) : JSON.stringify(values.map((v) => String(v)));

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `onMissing:` and `default:`, the same for every lookup step (static tables included). */
export const lookupMissingFields = {
  /**
   * No match: fail the record (RECORD_NOT_FOUND), drop it, set the fields to null, or to `default`.
   * A bare `onMissing: null` in YAML is the null value, read as `'null'`.
   */
  onMissing: z
    .union([z.enum(['error', 'skip', 'null', 'default']), z.null().transform(() => 'null' as const)])
    .default('error'),
  /** Output field → value, for `onMissing: default` (fields not named get null). */
  default: z.record(z.string(), cell).optional(),
};

/** `connection:`, `table:`, `match:` and `fields:`, the same for every SQL table lookup. */
export const tableLookupFields = {
  /** The connection to look up in (of the step's own connector). */
  connection: z.string().min(1),
  table: z.string().min(1),
  /** Table column → record field path (`customer.email`): a row matches when every pair is equal. */
  match: z.record(z.string().min(1), pathSchema).refine((m) => Object.keys(m).length > 0, 'name a column'),
  /** Output field → table column, copied from the matched row into the record. */
  fields: z.record(z.string().min(1), z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'name a field'),
};

/** `cache:` and `timeout:`, the same for every lookup that asks a connection. */
export const lookupFetchFields = {
  cache: lookupCacheConfig.optional(),
  /** Longest to wait for one page's answers (one query, or the page's requests); then TIMEOUT, retried. */
  timeout: durationSchema.default('30s'),
};

export type LookupOnMissing = 'error' | 'skip' | 'null' | 'default';

/** For `.superRefine`: `onMissing: default` needs `default:`, and `default:` names only output fields. */
export function checkLookupDefault(
  config: { onMissing: LookupOnMissing; default?: Record<string, Json> | undefined; fields: Record<string, string> },
  ctx: z.RefinementCtx,
): void {
  if (config.onMissing === 'default' && config.default === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'onMissing: default needs `default:` (output field → value)',
      path: ['default'],
    });
  }
  for (const field of Object.keys(config.default ?? {})) {
    if (!(field in config.fields)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${field}" is not an output field; default: names fields of \`fields:\` (${Object.keys(config.fields).join(', ')})`,
        path: ['default', field],
      });
    }
  }
}

/** What a record's lookup asks: its cache key, and what the fetch needs to ask for it. */
export interface LookupKey<W> {
  readonly key: string;
  readonly wanted: W;
}

export interface LookupOptions<W> {
  /** Where this step stands, for messages: `flow orders/step lookup (flow.yaml:12:9)`. */
  readonly where: string;
  /** The step type (`postgres.lookup`) and the connection asked: its name and address, for messages. */
  readonly type: string;
  readonly connection: { readonly name: string; readonly target: string };
  /** Everything besides type and connection name that decides an answer (address, table, match, fields): names the shared cache. */
  readonly identity: readonly Json[];
  /** The output fields, set to null or their `default` when nothing matched. */
  readonly fields: readonly string[];
  readonly onMissing: LookupOnMissing;
  readonly default?: Record<string, Json> | undefined;
  readonly cache: z.infer<typeof lookupCacheConfig> | undefined;
  readonly timeout: string | number;
  /** The record's key; undefined when it has none (a match value is missing): handled as not found. */
  keyOf(record: DataRecord): LookupKey<W> | undefined;
  /**
   * One fetch for every key the cache lacks: each key's output fields, null when nothing matched, or a
   * record-kind FlowError failing that key's records (not cached). Thrown errors fail the page.
   */
  fetch(wanted: ReadonlyMap<string, W>, ctx: Context): Promise<Map<string, CachedRow | FlowError>>;
  /** The RECORD_NOT_FOUND error of a record (key undefined: it has no key). */
  notFound(record: DataRecord, key: string | undefined): FlowError;
}

/** Runs `call` with a signal that aborts after `ms`; rejects with a transient TIMEOUT then. */
async function within<T>(ms: number, what: () => string, run: Context, call: (c: Context) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: Timer | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = run.clock.setTimer(
      ms,
      () => {
        const error = new FlowError('TIMEOUT', what());
        controller.abort(error);
        reject(error);
      },
      { keepAlive: true },
    );
  });
  try {
    return await Promise.race([call({ ...run, signal: AbortSignal.any([run.signal, controller.signal]) }), expired]);
  } finally {
    timer?.cancel();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The page logic every lookup step that asks a connection shares: distinct keys of the page, the
 * cache first (memory, then the store when shared), one fetch for the rest under `timeout`, then each
 * record enriched, dropped or failed as `onMissing` says. Returns `stats`: `hits` (records answered
 * without a fetch of their own: cache, or an earlier record of the page), `misses` (keys fetched),
 * `lookupMs` (time spent fetching), `notFound` (records nothing matched), and `storeHits` (keys
 * the shared cache answered) when shared.
 */
export function lookupProcessor<W>(
  o: LookupOptions<W>,
  ctx: Context,
): { process(records: readonly DataRecord[], ctx: Context): Promise<ProcessResult> } {
  const cache = SharedLookupCache.from(
    o.cache,
    lookupNamespace(o.type, o.connection.name, [o.connection.target, ...o.identity]),
    ctx.clock,
  );
  const timeoutMs = parseDuration(o.timeout) ?? 30_000;
  const shownTimeout = typeof o.timeout === 'number' ? `${o.timeout} ms` : o.timeout;
  const asking = `lookup in connection "${o.connection.name}" (${o.connection.target})`;
  const failure = (error: unknown): FlowError => {
    const e = toFlowError(error);
    if (e.code === 'TIMEOUT' && e.where === undefined) {
      return new FlowError('TIMEOUT', e.message, {
        where: o.where,
        hint: `Retried on the flow's retry schedule. If it keeps happening, check why ${o.connection.target} answers slowly (an index on the match columns?), or raise \`timeout\` of the step (default 30s).`,
      });
    }
    const shown = e.message.includes(o.connection.target) ? `lookup in connection "${o.connection.name}"` : asking;
    return new FlowError(e.code, `${shown} failed: ${e.message}`, {
      kind: e.kind,
      where: o.where,
      cause: error,
      ...(e.hint === undefined ? {} : { hint: e.hint }),
      ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
    });
  };
  const missing = (record: DataRecord): JsonObject => {
    const data: JsonObject = { ...record.data };
    for (const field of o.fields) data[field] = o.onMissing === 'default' ? (o.default?.[field] ?? null) : null;
    return data;
  };

  return {
    async process(records, run) {
      // per record: its key (undefined: it has none) and its answer (undefined until fetched)
      const answers: (CachedRow | FlowError | undefined)[] = new Array(records.length);
      const keys: (string | undefined)[] = new Array(records.length);
      const wanted = new Map<string, W>();
      let keyed = 0;
      const now = ctx.clock.now().getTime();
      for (let i = 0; i < records.length; i++) {
        const k = o.keyOf(records[i] as DataRecord);
        if (k === undefined) continue;
        keyed += 1;
        keys[i] = k.key;
        const cached = cache?.memory.get(k.key, now);
        if (cached !== undefined) answers[i] = cached;
        else if (!wanted.has(k.key)) wanted.set(k.key, k.wanted);
      }
      const found = new Map<string, CachedRow | FlowError>();
      let storeHits = 0;
      if (cache?.shared && wanted.size > 0) {
        for (const [k, row] of await cache.recall([...wanted.keys()], run)) {
          found.set(k, row);
          wanted.delete(k);
          storeHits += 1;
        }
      }
      let lookupMs = 0;
      let keep: StateWrite | undefined;
      if (wanted.size > 0) {
        const started = performance.now();
        let fetched: Map<string, CachedRow | FlowError>;
        try {
          fetched = await within(
            timeoutMs,
            () =>
              `${asking} took longer than ${shownTimeout} (timeout) for ${wanted.size} key${wanted.size === 1 ? '' : 's'}`,
            run,
            (c) => o.fetch(wanted, c),
          );
        } catch (error) {
          throw failure(error);
        }
        lookupMs = performance.now() - started;
        const fresh = new Map<string, CachedRow>();
        for (const k of wanted.keys()) {
          const a = fetched.get(k) ?? null;
          found.set(k, a);
          if (!(a instanceof FlowError)) fresh.set(k, a);
        }
        keep = cache?.remember(fresh, run);
      }
      for (let i = 0; i < records.length; i++) {
        const k = keys[i];
        if (k !== undefined && answers[i] === undefined) answers[i] = found.get(k) ?? null;
      }
      const out: DataRecord[] = [];
      const failed: Failed[] = [];
      let notFound = 0;
      records.forEach((record, i) => {
        const a = answers[i] ?? null;
        if (a instanceof FlowError) {
          failed.push({
            record,
            error: new FlowError(a.code, `record ${record.meta.id}: ${a.message}`, {
              kind: 'record',
              where: o.where,
              ...(a.hint === undefined ? {} : { hint: a.hint }),
              ...(a.field === undefined ? {} : { field: a.field }),
            }),
          });
        } else if (a !== null) {
          out.push(withData(record, { ...record.data, ...a }));
        } else {
          notFound += 1;
          if (o.onMissing === 'error') failed.push({ record, error: o.notFound(record, keys[i]) });
          else if (o.onMissing !== 'skip') out.push(withData(record, missing(record)));
        }
      });
      const stats: Record<string, number> = {
        hits: keyed - wanted.size,
        misses: wanted.size,
        lookupMs: round(lookupMs),
        notFound,
      };
      if (cache?.shared) stats.storeHits = storeHits;
      return { records: out, failed, stats, ...(keep ? { commit: [keep] } : {}) };
    },
  };
}

export interface TableLookupOptions {
  readonly where: string;
  readonly type: string;
  readonly connection: { readonly name: string; readonly target: string };
  /** Table name as shown in messages. */
  readonly table: string;
  /** Table columns to match, and the record paths their values come from (same order). */
  readonly matchColumns: readonly string[];
  readonly matchPaths: readonly string[];
  /** Output field → table column. */
  readonly outputs: readonly (readonly [string, string])[];
  readonly onMissing: LookupOnMissing;
  readonly default?: Record<string, Json> | undefined;
  readonly cache: z.infer<typeof lookupCacheConfig> | undefined;
  readonly timeout: string | number;
  /** One query for every wanted key (key → match values); answers the matched row, null where none matched. */
  fetch(wanted: ReadonlyMap<string, Json[]>, ctx: Context): Promise<Map<string, JsonObject | null>>;
  /**
   * Why the database cannot take a match value at all (PostgreSQL text holds no NUL character), or
   * undefined. Such a key is not asked: its records fail with RECORD_BAD_VALUE naming the field, and
   * the rest of the page is looked up (one bad value would otherwise fail the page's one query).
   */
  refuse?(value: Json): string | undefined;
}

/**
 * A lookup in a database table (postgres, mysql, sqlite): the record's match values are its key
 * (a record lacking one, or with an object, is not found); the matched row's columns give the fields.
 */
export function tableLookupProcessor(
  o: TableLookupOptions,
  ctx: Context,
): { process(records: readonly DataRecord[], ctx: Context): Promise<ProcessResult> } {
  const pick = (row: JsonObject | null): CachedRow =>
    row === null ? null : Object.fromEntries(o.outputs.map(([field, column]) => [field, row[column] ?? null]));
  const paths = o.matchPaths.map((p) => parsePath(p));
  return lookupProcessor<Json[]>(
    {
      where: o.where,
      type: o.type,
      connection: o.connection,
      identity: [o.table, [...o.matchColumns], o.outputs.map(([f, c]) => [f, c])],
      fields: o.outputs.map(([field]) => field),
      onMissing: o.onMissing,
      default: o.default,
      cache: o.cache,
      timeout: o.timeout,
      keyOf(record) {
        const values = paths.map((p) => (typeof p === 'string' ? undefined : readPath(record.data, p)));
        if (values.some((v) => v === undefined || v === null || typeof v === 'object')) return undefined;
        return { key: lookupKeyOf(values as Json[]), wanted: values as Json[] };
      },
      async fetch(wanted, c) {
        const answers = new Map<string, CachedRow | FlowError>();
        let asked = wanted;
        if (o.refuse) {
          const refuse = o.refuse;
          const fit = new Map<string, Json[]>();
          for (const [k, values] of wanted) {
            const j = values.findIndex((v) => refuse(v) !== undefined);
            if (j < 0) {
              fit.set(k, values);
              continue;
            }
            const path = o.matchPaths[j] as string;
            answers.set(
              k,
              new FlowError(
                'RECORD_BAD_VALUE',
                `field ${path} (matched against column ${o.matchColumns[j]}) ${refuse(values[j] as Json)}, so no row can be looked up for it`,
                {
                  kind: 'record',
                  field: path,
                  hint: `Remove the character from ${path} (in the source, or with a map step).`,
                },
              ),
            );
          }
          asked = fit;
        }
        if (asked.size > 0) for (const [k, row] of await o.fetch(asked, c)) answers.set(k, pick(row));
        return answers;
      },
      notFound(record) {
        const shown = o.matchColumns.map(
          (c, j) => `${c} = ${JSON.stringify(valueAt(record.data, o.matchPaths[j] as string) ?? null)}`,
        );
        return new FlowError('RECORD_NOT_FOUND', `no row of ${o.table} where ${shown.join(' and ')}`, {
          where: `${o.where} record ${record.meta.id}`,
          field: o.matchPaths[0] as string,
          hint: `Add the row to ${o.table}, correct the record's ${o.matchPaths.join(', ')}, or set onMissing: skip, null or default.`,
        });
      },
    },
    ctx,
  );
}

/** A table lookup step's settings, as `tableLookupFields`, `lookupMissingFields` and `lookupFetchFields` give them. */
export interface TableLookupConfig {
  readonly connection: string;
  readonly table: string;
  readonly match: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
  readonly onMissing: LookupOnMissing;
  readonly default?: Record<string, Json> | undefined;
  readonly cache?: z.infer<typeof lookupCacheConfig> | undefined;
  readonly timeout: string | number;
}

/** The connection a lookup step is created with; CONFIG_UNKNOWN_CONNECTION when it was not opened. */
export function lookupConnection<K>(opened: unknown, where: string): K {
  if (opened === undefined) {
    throw new FlowError('CONFIG_UNKNOWN_CONNECTION', `${where}: the lookup's connection is not open`, { where });
  }
  return opened as K;
}

/** The columns a table lookup names: those it matches (with the record paths of their values), those it copies, all it selects. */
export function lookupColumns(config: Pick<TableLookupConfig, 'match' | 'fields'>): {
  matchColumns: string[];
  matchPaths: string[];
  outputs: [string, string][];
  selected: string[];
} {
  const matchColumns = Object.keys(config.match);
  const outputs = Object.entries(config.fields);
  return {
    matchColumns,
    matchPaths: matchColumns.map((c) => config.match[c] as string),
    outputs,
    selected: [...new Set([...matchColumns, ...outputs.map(([, c]) => c)])],
  };
}

/** tableLookupProcessor for a step's config: what only the connector knows is how to ask its table. */
export function configuredTableLookup(
  config: TableLookupConfig,
  o: Pick<TableLookupOptions, 'where' | 'type' | 'table' | 'fetch' | 'refuse'> & { readonly target: string },
  ctx: Context,
): ReturnType<typeof tableLookupProcessor> {
  const { matchColumns, matchPaths, outputs } = lookupColumns(config);
  return tableLookupProcessor(
    {
      where: o.where,
      type: o.type,
      connection: { name: config.connection, target: o.target },
      table: o.table,
      matchColumns,
      matchPaths,
      outputs,
      onMissing: config.onMissing,
      default: config.default,
      cache: config.cache,
      timeout: config.timeout,
      fetch: o.fetch,
      ...(o.refuse === undefined ? {} : { refuse: o.refuse }),
    },
    ctx,
  );
}

/**
 * The config schema of a SQL table lookup step: `tableLookupFields`, a connector's own settings (`extra`,
 * e.g. PostgreSQL's `schema`), `lookupMissingFields` and `lookupFetchFields`, with the default checked.
 */
export function tableLookupConfig<E extends z.ZodRawShape>(extra: E) {
  return z
    .object({ ...tableLookupFields, ...extra, ...lookupMissingFields, ...lookupFetchFields })
    .strict()
    .superRefine((config, ctx) =>
      // with `extra` generic the output type keeps its fields only as keys: these three are the lookup's own
      checkLookupDefault(config as Parameters<typeof checkLookupDefault>[0], ctx),
    );
}
