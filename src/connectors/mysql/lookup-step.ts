import type { z } from 'zod';
import {
  configuredTableLookup,
  lookupColumns,
  lookupConnection,
  lookupKeyOf,
  tableLookupConfig,
} from '../../kit/index.js';
import { type Context, defineStep, type Json, type JsonObject } from '../../sdk/index.js';
import type { MysqlConnection } from './connection.js';
import { quoteIdent, sqlLiteral } from './sql-values.js';
import { requireColumn, tableInfo } from './table-info.js';
import { MAX_STATEMENT_BYTES } from './write-sql.js';

export const lookupStepConfig = tableLookupConfig({});

export type LookupStepConfig = z.infer<typeof lookupStepConfig>;

const looseKeyOf = (values: readonly Json[]): string =>
  JSON.stringify(values.map((v) => String(v).normalize('NFC').toLowerCase().trimEnd()));

export const lookupStep = defineStep<LookupStepConfig>({
  type: 'lookup',
  description: 'Enriches records with columns of a matching table row: one query per page (WHERE col IN …), cached.',
  config: lookupStepConfig,
  async create({ config, where, connection: opened }, ctx: Context) {
    const connection = lookupConnection<MysqlConnection>(opened, where);
    const info = await tableInfo(connection, config.table);
    const { matchColumns, outputs, selected } = lookupColumns(config);
    for (const c of matchColumns) requireColumn(info as NonNullable<typeof info>, c, 'match', where);
    for (const [, c] of outputs) requireColumn(info as NonNullable<typeof info>, c, 'fields', where);
    const kinds = (info as NonNullable<typeof info>).columns;
    const head = `SELECT ${selected.map(quoteIdent).join(', ')} FROM ${quoteIdent(config.table)} WHERE `;
    const target =
      matchColumns.length === 1
        ? quoteIdent(matchColumns[0] as string)
        : `(${matchColumns.map(quoteIdent).join(', ')})`;
    const budget = Math.min(MAX_STATEMENT_BYTES, connection.server.maxAllowedPacket - 4096) - head.length;

    const literal = (values: readonly Json[]): string => {
      const parts = values.map((v, i) => sqlLiteral(v, kinds.get(matchColumns[i] as string)));
      return parts.length === 1 ? (parts[0] as string) : `(${parts.join(', ')})`;
    };

    /** Queries the keys not in the cache: one statement (more only if it would exceed max_allowed_packet). */
    const fetch = async (
      wanted: ReadonlyMap<string, Json[]>,
      runCtx: Context,
    ): Promise<Map<string, JsonObject | null>> => {
      const found = new Map<string, JsonObject>();
      const loose = new Map<string, JsonObject>();
      const lists: string[][] = [[]];
      let bytes = 0;
      for (const values of wanted.values()) {
        const l = literal(values);
        if (bytes + l.length > budget && (lists.at(-1) as string[]).length > 0) {
          lists.push([]);
          bytes = 0;
        }
        (lists.at(-1) as string[]).push(l);
        bytes += l.length + 2;
      }
      for (const list of lists) {
        runCtx.metrics.increment('mysql_lookup_queries');
        const rows = await connection.query<JsonObject[]>(
          `${head}${target} IN (${list.join(', ')})`,
          connection.target,
        );
        for (const row of rows) {
          const values = matchColumns.map((c) => row[c] ?? null);
          const k = lookupKeyOf(values);
          if (!found.has(k)) found.set(k, row);
          const lk = looseKeyOf(values);
          if (!loose.has(lk)) loose.set(lk, row);
        }
      }
      const answers = new Map<string, JsonObject | null>();
      for (const [k, values] of wanted) {
        // Text columns usually compare case- and trailing-space-insensitively: fall back to that match.
        answers.set(k, found.get(k) ?? loose.get(looseKeyOf(values)) ?? null);
      }
      return answers;
    };

    return configuredTableLookup(
      config,
      { where, type: 'mysql.lookup', target: connection.target, table: config.table, fetch },
      ctx,
    );
  },
});
