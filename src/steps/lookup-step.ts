import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { compilePath, lookupKeyOf } from '../kit/index.js';
import {
  type DataRecord,
  defineStep,
  FlowError,
  type Json,
  type JsonObject,
  type ProcessResult,
  withData,
} from '../sdk/index.js';
import { type LookupConfig, lookupConfigSchema } from './lookup-config.js';
import { recordProcessor } from './record-processor.js';

type Row = Record<string, Json>;

function readCsv(file: string, where: string): Row[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new FlowError('FILE_NOT_FOUND', `${where}: cannot read the lookup table ${file}`, {
      hint: "Check `file:` (relative to the flow file's folder).",
      cause,
    });
  }
  try {
    return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Row[];
  } catch (cause) {
    throw new FlowError('CONFIG_INVALID', `${where}: the lookup table ${file} is not valid CSV: ${String(cause)}`, {
      cause,
    });
  }
}

/**
 * `lookup:` — enriches each record from a static table held in memory (inline rows, or a CSV read
 * once when the run starts): the row whose `match` columns equal the record's fields gives `fields`.
 * Values compare as text, so `49` matches `"49"`.
 */
export const lookupStep = defineStep<LookupConfig>({
  type: 'lookup',
  description: 'Enriches records from a static table (inline rows or a CSV file) by matching columns.',
  config: lookupConfigSchema,
  create({ config, where }, ctx) {
    const rows =
      config.table ??
      readCsv(
        isAbsolute(config.file as string) ? (config.file as string) : resolve(ctx.baseDir, config.file as string),
        where,
      );
    const columns = Object.keys(config.match);
    const readers = columns.map((c) => {
      const read = compilePath(config.match[c] as string);
      if (typeof read === 'string') throw new FlowError('CONFIG_INVALID', `${where}: match ${c}: ${read}`);
      return read;
    });
    const outputs = Object.entries(config.fields);
    const known = new Set(Object.keys(rows[0] ?? {}));
    for (const c of [...columns, ...outputs.map(([, c]) => c)]) {
      if (!known.has(c)) {
        throw new FlowError('CONFIG_INVALID', `${where}: the lookup table has no column "${c}"`, {
          hint: `Its columns: ${[...known].join(', ')}.`,
        });
      }
    }
    const index = new Map<string, Row>();
    for (const row of rows) {
      const k = lookupKeyOf(columns.map((c) => row[c] ?? null));
      if (!index.has(k)) index.set(k, row); // the first row wins, as in a table with a unique key
    }
    /** One record enriched (or dropped, or failed), counted in `tally`. */
    const enrich = (record: DataRecord, tally: { hits: number; notFound: number }): DataRecord | undefined => {
      const values = readers.map((read) => read(record.data));
      const keyed = !values.some((v) => v === undefined || v === null);
      if (keyed) tally.hits += 1;
      const row = keyed ? index.get(lookupKeyOf(values as Json[])) : undefined;
      if (row === undefined) {
        tally.notFound += 1;
        if (config.onMissing === 'skip') return undefined;
        if (config.onMissing === 'error') {
          const shown = columns.map((c, i) => `${c} = ${JSON.stringify(values[i] ?? null)}`).join(' and ');
          throw new FlowError('RECORD_NOT_FOUND', `no row of the lookup table where ${shown}`, {
            field: config.match[columns[0] as string] as string,
            hint: 'Add the row to the table, or set onMissing to skip, null or default.',
          });
        }
      }
      const data: JsonObject = { ...record.data };
      for (const [field, column] of outputs) {
        data[field] = row
          ? (row[column] ?? null)
          : config.onMissing === 'default'
            ? (config.default?.[field] ?? null)
            : null;
      }
      return withData(record, data);
    };
    // The table is all in memory: every keyed record is a hit, nothing is fetched.
    return {
      async process(records, runCtx): Promise<ProcessResult> {
        const tally = { hits: 0, notFound: 0 };
        const result = await recordProcessor(where, (r) => enrich(r, tally)).process(records, runCtx);
        return { ...result, stats: { hits: tally.hits, misses: 0, lookupMs: 0, notFound: tally.notFound } };
      },
    };
  },
});
