import type { Json } from '../../src/sdk/index.js';
import type { DestinationHarness } from './destination-conformance.js';
import type { LookupHarness, LookupOptions } from './lookup-conformance.js';

/**
 * What the SQL connectors' harnesses share: the same seeded data and the same table-destination
 * contract (the kit's table config, page markers, codes), so each connector file only says how to
 * reach its database.
 */

/** The source rows: ids with gaps on purpose, `updated_at` one minute apart from 2026-01-01. */
export const sqlItems = {
  ids: [1, 2, 4, 5, 7, 8, 9],
  /** The n-th row's updated_at, ISO-8601 in UTC. */
  at: (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
};

/** The lookup's table: `create table customers (id int primary key, email … unique)` with these rows. */
export const sqlCustomerRows = "(1, 'c1@x'), (2, 'c2@x'), (3, 'c3@x')";

/** A table destination's capabilities over `t (id int primary key, name … not null)`, keyed by id. */
export const sqlTableCapabilities: Omit<DestinationHarness, 'target' | 'transient' | 'setup' | 'teardown'> = {
  operations: { insert: {}, upsert: {}, ignore: {}, update: { missing: 'RECORD_NOT_FOUND' } },
  countsUnchanged: true,
  noKey: { code: 'RECORD_NO_KEY', field: 'id' },
  rejects: { record: (id: number) => ({ id, name: null }), code: 'RECORD_CONSTRAINT' },
  rewrite: { by: 'pageMarkers' },
  permanent: {
    records: [
      { id: 3, name: 'c' },
      { id: 4, name: 'd', missing_col: 1 },
    ],
    code: 'SQL_ERROR',
  },
  ids: { skip: 'a table destination reports no ids: the key is the record’s own' },
};

/** The lookup step config over `customers`: email → id as `found`. */
export function sqlLookupConfig(options: LookupOptions): Record<string, unknown> {
  return {
    connection: 'erp',
    table: 'customers',
    match: { email: 'email' },
    fields: { found: 'id' },
    onMissing: options.onMissing,
    ...(options.default === undefined ? {} : { default: { found: options.default } }),
    ...(options.cache ? { cache: options.cache } : {}),
  };
}

/** The records the lookup finds or misses in `customers`. */
export const sqlLookupRecords: Pick<LookupHarness, 'found' | 'missing'> = {
  found: () => [
    { record: { email: 'c1@x', n: 1 }, value: 1 as Json },
    { record: { email: 'c3@x', n: 3 }, value: 3 },
  ],
  missing: () => ({ email: 'nobody@x' }),
};

/** `connection` with its `query` method reporting each statement's text to `count` first (to see cache hits). */
export function countQueries<K extends { query(text: string, ...rest: never[]): unknown }>(
  connection: K,
  count: (text: string) => void,
): K {
  const query = (text: string, ...rest: never[]) => {
    count(text);
    return connection.query(text, ...rest);
  };
  return { ...connection, query };
}
