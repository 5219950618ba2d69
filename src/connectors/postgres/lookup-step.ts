import { z } from 'zod';
import {
  configuredTableLookup,
  lookupColumns,
  lookupConnection,
  lookupKeyOf,
  sqlErrors,
  tableLookupConfig,
} from '../../kit/index.js';
import { type Context, defineStep, type FlowError, type Json, type JsonObject } from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import { rowBuilder } from './pg-values.js';
import { quoteIdent, toParam } from './sql-text.js';
import { requireColumn, tableInfo } from './table-info.js';

export const lookupStepConfig = tableLookupConfig({
  schema: z.string().min(1).optional(),
});

export type LookupStepConfig = z.infer<typeof lookupStepConfig>;

const numericType = /^(smallint|integer|bigint|numeric|real|double precision)$/;

export const lookupStep = defineStep<LookupStepConfig>({
  type: 'lookup',
  description:
    'Enriches records with columns of a matching table row: one query per page (= ANY($1) / IN (unnest …)), cached.',
  config: lookupStepConfig,
  async create({ config, where, connection: opened }, ctx: Context) {
    const connection = lookupConnection<PostgresConnection>(opened, where);
    const info = await tableInfo(connection, config.table, config.schema);
    if (info === undefined) throw sqlErrors.fail('SQL_ERROR', `table ${config.table} does not exist`, { where });
    const { matchColumns, outputs, selected } = lookupColumns(config);
    for (const c of matchColumns) requireColumn(info, c, 'match', where);
    for (const [, c] of outputs) requireColumn(info, c, 'fields', where);
    // `character` alone means char(1): cast to bpchar (any length) so values are not cut.
    const types = matchColumns.map((c) => {
      const type = info.columns.get(c)?.type as string;
      return type === 'character' ? 'bpchar' : type;
    });
    const head = `SELECT ${selected.map(quoteIdent).join(', ')} FROM ${info.sql} WHERE `;
    // One array parameter per match column, typed like the column so its index is used.
    const typed =
      matchColumns.length === 1
        ? `${quoteIdent(matchColumns[0] as string)} = ANY($1::${types[0]}[])`
        : `(${matchColumns.map(quoteIdent).join(', ')}) IN (SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}))`;
    // Fallback when a value does not convert to the column's type: compare as text (one query, no index).
    const asText =
      matchColumns.length === 1
        ? `${quoteIdent(matchColumns[0] as string)}::text = ANY($1::text[])`
        : `(${matchColumns.map((c) => `${quoteIdent(c)}::text`).join(', ')}) IN (SELECT * FROM unnest(${types.map((_, i) => `$${i + 1}::text[]`).join(', ')}))`;
    /** Queries the keys not in the cache with one statement. */
    const fetch = async (
      wanted: ReadonlyMap<string, Json[]>,
      runCtx: Context,
    ): Promise<Map<string, JsonObject | null>> => {
      const lists: (null | boolean | number | string)[][] = matchColumns.map(() => []);
      for (const values of wanted.values()) {
        // A value that cannot be a number never matches a numeric column: leave it out of the query.
        if (values.some((v, i) => numericType.test(types[i] as string) && !Number.isFinite(Number(v)))) continue;
        for (let i = 0; i < values.length; i++) (lists[i] as unknown[]).push(toParam(values[i]));
      }
      const found = new Map<string, JsonObject>();
      if ((lists[0] as unknown[]).length > 0) {
        runCtx.metrics.increment('postgres_lookup_queries');
        let result = await connection.query(head + typed, lists, connection.target).catch((error: unknown) => {
          if ((error as FlowError).code === 'RECORD_CONSTRAINT') return undefined;
          throw error;
        });
        if (result === undefined) {
          const texts = lists.map((l) => l.map((v) => (v === null ? null : String(v))));
          result = await connection.query(head + asText, texts, connection.target);
        }
        const build = rowBuilder(
          result.fields.map((f) => f.name),
          0,
        );
        for (const raw of result.rows) {
          const row = build(raw);
          const k = lookupKeyOf(matchColumns.map((c) => row[c] ?? null));
          if (!found.has(k)) found.set(k, row);
        }
      }
      const answers = new Map<string, JsonObject | null>();
      for (const k of wanted.keys()) answers.set(k, found.get(k) ?? null);
      return answers;
    };

    return configuredTableLookup(
      config,
      {
        where,
        type: 'postgres.lookup',
        target: connection.target,
        table: info.name,
        fetch,
        refuse: (value) =>
          typeof value === 'string' && value.includes('\0')
            ? 'holds a NUL character (U+0000), which PostgreSQL text cannot store'
            : undefined,
      },
      ctx,
    );
  },
});
