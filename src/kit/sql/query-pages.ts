import { FlowError } from '../../sdk/errors.js';
import type { Json, JsonObject } from '../../sdk/json.js';
import type { Page } from '../../sdk/page.js';
import { createRecord, type DataRecord } from '../../sdk/record.js';

/** The checkpoint of a query source: how many rows were read (a resumed read skips them); 0 at the start. */
export function rowCountCheckpoint(from: Json | undefined, where: string): number {
  if (from !== undefined && from !== null && (typeof from !== 'number' || !Number.isInteger(from) || from < 0)) {
    throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a row count`, {
      where,
      hint: 'Run the flow from the start.',
    });
  }
  return typeof from === 'number' ? from : 0;
}

/** The record of a query's row `n` (counted from 1). */
export function queryRecord(data: JsonObject, n: number): DataRecord {
  return createRecord(data, { id: `row:${n}`, position: `query row ${n}` });
}

/** Cuts a query's rows into pages, skipping the rows a checkpoint says were read. */
export interface QueryPager {
  /** Counts the next row; the page it fills (undefined while the page has room, or the row is skipped). */
  add<R>(row: R, data: (row: R) => JsonObject): Page | undefined;
  /** The last, partly filled page, if any. */
  rest(): Page | undefined;
}

export function queryPager(options: {
  skip: number;
  pageSize: number;
  signal: AbortSignal;
  where: string;
}): QueryPager {
  const { skip, pageSize, signal, where } = options;
  let n = 0;
  let records: DataRecord[] = [];
  return {
    add(row, data) {
      n++;
      if (n <= skip) return undefined;
      records.push(queryRecord(data(row), n));
      if (records.length < pageSize) return undefined;
      if (signal.aborted) throw new FlowError('CANCELED', 'reading the query was canceled', { where });
      const page: Page = { records, checkpoint: n };
      records = [];
      return page;
    },
    rest() {
      if (records.length === 0) return undefined;
      const page: Page = { records, checkpoint: n };
      records = [];
      return page;
    },
  };
}
