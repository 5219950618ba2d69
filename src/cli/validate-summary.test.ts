import { describe, expect, it } from 'vitest';
import { parse, USER_SYNC } from '../../test/helpers/sync-config.js';
import { validSummary } from './validate-summary.js';

describe("validate's summary", () => {
  it('lists syncs like flows, with their sides, fields and policies', () => {
    const flow = `flows:
  export:
    source: { connection: crm, type: db.table, table: customers }
    destinations: [{ connection: files, type: files.jsonl, path: out.jsonl }]
`;
    const project = parse(USER_SYNC.replace('syncs:\n', `${flow}syncs:\n`));
    expect(validSummary('sync.yaml', project, false)).toBe(
      [
        'sync.yaml: valid — 3 connections, 1 flows, 1 syncs',
        '  export: db.table → (no steps) → files (files.jsonl)',
        '  customers (sync): crm customers (db.table) ⇄ erp clients (db.table), 6 fields, match email, conflicts newest, deletes review  [*/10 * * * *]',
        '',
      ].join('\n'),
    );
  });
});
