import { describe, expect, it } from 'vitest';
import { CONNECTIONS, FILE, parse, USER_SYNC } from '../../test/helpers/sync-config.js';

describe('syncs: the user example', () => {
  it('parses into a SyncDefinition with the defaults filled in', () => {
    const project = parse(USER_SYNC);
    expect(project.flows).toEqual({});
    const sync = project.syncs?.customers;
    const { fields, a, b, ...rest } = sync ?? ({} as never);
    expect(rest).toEqual({
      name: 'customers',
      description: 'CRM customers ↔ ERP customers',
      schedule: '*/10 * * * *',
      match: { fields: ['email'], normalize: ['trim', 'lowercase'], maxAmbiguous: 100 },
      conflicts: { policy: 'newest', skewMs: 120_000 },
      deletes: { policy: 'review', reconcile: '0 3 * * 0' },
      batchSize: 500,
      maxAttempts: 5,
      where: `${FILE}:6:3`,
    });
    expect(a).toEqual({
      side: 'a',
      label: 'crm',
      connection: 'crm',
      source: { type: 'db.table', config: { table: 'customers', pageSize: 500 }, where: `${FILE}:12:14` },
      destination: { type: 'db.table', config: { table: 'customers', operation: 'insert' }, where: `${FILE}:12:14` },
      key: 'id',
      cursor: 'updated_at',
      overlap: '0s',
      deleted: { field: 'deleted_at' },
      stampCursor: true,
      where: `${FILE}:10:7`,
    });
    expect(b).toMatchObject({ side: 'b', label: 'erp', key: 'client_no', cursor: 'modified', stampCursor: false });
    expect(b.source.config).toEqual({ table: 'clients', pageSize: 500 }); // the sync's batch
    expect(fields.map(({ where: _w, fieldWhere: _f, ...f }) => f)).toEqual([
      { name: 'email', a: 'email', b: 'email_address', direction: 'both' },
      { name: 'name', a: 'full_name', b: 'name', direction: 'both' },
      { name: 'phone', a: 'phone', b: 'phone', direction: 'both' },
      {
        name: 'status',
        a: 'status',
        b: 'status',
        direction: 'both',
        toB: { values: { active: 'A', inactive: 'I' } },
        // one-to-one: inverted for the other direction
        toA: { values: { A: 'active', I: 'inactive' } },
      },
      { name: 'tier', a: 'tier', b: 'tier', direction: 'a-to-b', toB: { transform: 'uppercase' } },
      { name: 'notes', a: 'notes', b: 'notes', direction: 'both', conflict: 'manual' },
    ]);
    expect(fields[3]?.fieldWhere?.('toB.values')).toBe(`${FILE}:25:16`);
  });

  it('takes the short forms: field direction strings, conflicts and deletes policies, the match object', () => {
    const text = `${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at, deleted: deleted_at }
    b: { connection: erp, query: "select * from clients", destination: { type: db.table, table: clients }, key: client_no, cursor: modified }
    fields:
      phone: a-to-b
      notes:
      email: { b: email_address }
    match: { fields: [email], normalize: [], maxAmbiguous: 3 }
    conflicts: manual
    deletes: propagate
`;
    const sync = parse(text).syncs?.s;
    expect(sync?.a.deleted).toEqual({ field: 'deleted_at' });
    expect(sync?.b.source).toMatchObject({ type: 'db.query', config: { query: 'select * from clients' } });
    expect(sync?.b.destination).toMatchObject({ type: 'db.table', config: { table: 'clients', operation: 'insert' } });
    expect(sync?.fields.map((f) => [f.name, f.direction])).toEqual([
      ['phone', 'a-to-b'],
      ['notes', 'both'],
      ['email', 'both'],
    ]);
    expect(sync?.match).toEqual({ fields: ['email'], normalize: [], maxAmbiguous: 3 });
    expect(sync?.conflicts).toEqual({ policy: 'manual', skewMs: 60_000 });
    expect(sync?.deletes).toEqual({ policy: 'propagate' });
    expect(sync?.batchSize).toBe(500);
    expect(sync?.maxAttempts).toBe(5);
  });

  it("reads a shorthand side in pages of the sync's batch; a written-out source keeps its own page size", () => {
    const text = `${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at }
    b: { connection: erp, source: { type: db.table, table: clients }, destination: { type: db.table, table: clients }, key: id, cursor: modified }
    fields: { email: {} }
    batch: 250
`;
    const sync = parse(text).syncs?.s;
    expect(sync?.a.source.config).toEqual({ table: 'customers', pageSize: 250 });
    expect(sync?.b.source.config).toEqual({ table: 'clients', pageSize: 1000 });
  });

  it('labels two sides of one connection apart', () => {
    const text = `${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at }
    b: { connection: crm, table: customers, key: id, cursor: updated_at }
    fields: { email: {} }
`;
    const sync = parse(text).syncs?.s;
    expect([sync?.a.label, sync?.b.label]).toEqual(['crm.a', 'crm.b']);
  });
});
