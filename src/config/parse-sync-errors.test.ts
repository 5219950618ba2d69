import { describe, expect, it } from 'vitest';
import { brief, CONNECTIONS, errorsOf, FILE, parse } from '../../test/helpers/sync-config.js';
import { syncTestCatalog } from '../../test/helpers/sync-test-catalog.js';
import { parseProject } from './parse-project.js';

/** A sync whose side a / b / rest lines are replaced; the rest is valid. */
function sync(parts: { a?: string; b?: string; rest?: string; flows?: string }): string {
  return `${CONNECTIONS}${parts.flows ?? ''}syncs:
  s:
    a: ${parts.a ?? '{ connection: crm, table: customers, key: id, cursor: updated_at }'}
    b: ${parts.b ?? '{ connection: erp, table: clients, key: client_no, cursor: modified }'}
${parts.rest ?? '    fields: { email: { b: email_address } }\n'}`;
}

describe('syncs: sides', () => {
  it('reports an undeclared connection, a connector without keyed writes, and a side with nothing to write', () => {
    const errors = errorsOf(
      sync({
        a: '{ connection: crn, table: customers, key: id, cursor: updated_at }',
        b: '{ connection: files, source: { type: files.csv, path: c.csv }, destination: { type: files.jsonl, path: c.jsonl }, key: id, cursor: m }',
      }),
    );
    expect(brief(errors)).toEqual([
      ['CONFIG_UNKNOWN_CONNECTION', '7:22', 'syncs.s.a.connection: connection "crn" is not declared'],
      [
        'CONFIG_SYNC_NO_KEYED_WRITES',
        '8:92',
        'syncs.s.b.destination.type: destination type files.jsonl cannot write records by key, so a sync cannot write this side',
      ],
    ]);
    expect(errors[0]?.hint).toContain('Did you mean "crm"?');
    expect(errors[1]?.hint).toBe(
      'The files connector has none; destination types with keyed writes: db.rows, db.table.',
    );
  });

  it('reports a keyed-writes-less destination named by the table shorthand, and a connector without the shorthand', () => {
    const errors = errorsOf(
      sync({
        b: '{ connection: files, table: clients, key: id, cursor: m }',
        a: '{ connection: crm, query: "select 1", key: id, cursor: updated_at }',
      }),
    );
    expect(brief(errors)).toEqual([
      ['CONFIG_INVALID', '7:8', 'syncs.s.a: the side has nothing to write to'],
      [
        'CONFIG_UNKNOWN_TYPE',
        '8:36',
        'syncs.s.b.table: the files connector has no table source (files.table), so `table:` cannot stand for it',
      ],
      [
        'CONFIG_UNKNOWN_TYPE',
        '8:36',
        'syncs.s.b.table: the files connector has no table destination (files.table), so `table:` cannot stand for it',
      ],
    ]);
    expect(errors[2]?.hint).toBe("Write the side's `destination:` out with its type: files.jsonl.");
  });

  it('validates written-out components with their schemas; operation and key are the sync’s', () => {
    const errors = errorsOf(
      sync({
        b: '{ connection: erp, source: { type: db.table, tabel: clients }, destination: { type: db.table, table: clients, operation: upsert }, key: client_no, cursor: modified }',
      }),
    );
    expect(brief(errors)).toEqual([
      ['CONFIG_INVALID', '8:35', 'syncs.s.b.source.table is required: a string'],
      ['CONFIG_UNKNOWN_KEY', '8:53', 'unknown key "tabel" in syncs.s.b.source'],
      ['CONFIG_INVALID', '8:118', 'syncs.s.b.destination.operation: set by the sync for each write'],
    ]);
    expect(errors[1]?.hint).toContain('Did you mean "table"?');
  });

  it('needs a cursor on each side unless deletes.reconcile is set', () => {
    const errors = errorsOf(sync({ b: '{ connection: erp, table: clients, key: client_no, stampCursor: true }' }));
    expect(brief(errors)).toEqual([
      ['CONFIG_SYNC_NO_CURSOR', '8:5', 'syncs.s.b: side b (erp) has no cursor, so its changes cannot be found'],
      ['CONFIG_INVALID', '8:72', 'syncs.s.b.stampCursor: side b has no cursor to stamp'],
    ]);
    const ok = parse(
      sync({
        b: '{ connection: erp, table: clients, key: client_no }',
        rest: '    fields: { email: { b: email_address } }\n    deletes: { reconcile: true }\n',
      }),
    );
    expect(ok.syncs?.s?.b.cursor).toBeUndefined();
  });
});

describe('syncs: names', () => {
  it('refuses a sync named like a flow, and names with control characters or too long', () => {
    const flows = `flows:
  s:
    source: { connection: files, type: files.csv, path: a.csv }
    destinations: [{ connection: files, type: files.jsonl, path: b.jsonl }]
`;
    const errors = errorsOf(sync({ flows }));
    expect(brief(errors)).toEqual([['CONFIG_INVALID', '10:3', 'syncs.s: the name is already used by flows.s']]);
    const odd = errorsOf(
      `${CONNECTIONS}syncs:\n  "a\\tb": {}\n  ${'x'.repeat(300)}: {}\n  "with.dot and space": { a: 1 }\n`,
    );
    expect(odd.map((e) => e.message)).toEqual([
      'syncs: the sync name "a\\tb" holds a control character (a line break, a tab…)',
      `syncs: the sync name "${'x'.repeat(60)}…" is 300 characters long (at most 200)`,
      'syncs.with.dot and space.b is required: a map (key: value)',
      'syncs.with.dot and space.fields is required: a map (key: value)',
      'syncs.with.dot and space.a must be a map (key: value), not number 1',
    ]);
  });
});

describe('syncs: what a run names', () => {
  const text = `${CONNECTIONS}flows:
  broken:
    source: { connection: nowhere, type: files.csv, path: a.csv }
    destinations: [{ connection: files, type: files.jsonl, path: b.jsonl }]
syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields: { email: { b: email_address } }
  other:
    a: { connection: crm, table: customers, key: id }
    b: { connection: erp, table: clients, key: client_no }
    fields: {}
`;

  it('checks only the named sync (not the flows nor the other syncs)', () => {
    const project = parseProject(text, FILE, syncTestCatalog, { env: {}, flows: ['s'] });
    expect(Object.keys(project.syncs ?? {})).toEqual(['s']);
    expect(project.flows).toEqual({});
  });

  it('checks everything when no name is given, and refuses a sync without fields', () => {
    expect(brief(errorsOf(text))).toEqual([
      ['CONFIG_UNKNOWN_CONNECTION', '7:27', 'flows.broken.source.connection: connection "nowhere" is not declared'],
      ['CONFIG_SYNC_NO_CURSOR', '15:5', 'syncs.other.a: side a (crm) has no cursor, so its changes cannot be found'],
      ['CONFIG_SYNC_NO_CURSOR', '16:5', 'syncs.other.b: side b (erp) has no cursor, so its changes cannot be found'],
      ['CONFIG_SYNC_FIELD', '17:13', 'syncs.other.fields: the sync has no field'],
    ]);
  });
});
