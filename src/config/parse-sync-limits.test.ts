import { describe, expect, it } from 'vitest';
import { brief, CONNECTIONS, errorsOf, parse } from '../../test/helpers/sync-config.js';

/** CPU time (µs) of the least disturbed of `rounds` runs. */
function cpuOf(work: () => void, rounds: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    best = Math.min(best, used.user + used.system);
  }
  return best;
}

function manySyncs(n: number): string {
  const lines = [CONNECTIONS, 'syncs:\n'];
  for (let i = 0; i < n; i++)
    lines.push(`  s${i}:
    a: { connection: crm, table: customers, key: id, cursor: updated_at }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
      email: { b: email_address }
      status: { toB: { values: { active: A, inactive: I } } }
      name: { a: full_name }
    match: [email]
`);
  return lines.join('');
}

describe('syncs: hostile input', () => {
  it('parses a file of 10,000 syncs in linear time', () => {
    const small = manySyncs(1000);
    const large = manySyncs(10_000);
    const smallCpu = cpuOf(() => parse(small), 3);
    let count = 0;
    const largeCpu = cpuOf(() => {
      count = Object.keys(parse(large).syncs ?? {}).length;
    }, 1);
    expect(count).toBe(10_000);
    const ratio = largeCpu / smallCpu;
    // 10× the syncs: about 10× the time (quadratic would be 100×)
    expect(ratio).toBeLessThan(20);
  }, 120_000);

  it('refuses huge names with a short message', () => {
    const huge = 'x'.repeat(100_000);
    const errors = errorsOf(`${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: ${huge}, cursor: updated_at }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields: { ${huge}: {} }
`);
    expect(brief(errors)).toEqual([
      ['CONFIG_INVALID', '7:50', 'syncs.s.a.key: at most 256 characters'],
      [
        'CONFIG_SYNC_FIELD',
        '9:15',
        `syncs.s.fields: a field name of 100000 characters (at most 256): "${'x'.repeat(40)}"…`,
      ],
    ]);
    expect(errors.every((e) => e.message.length < 200)).toBe(true);
  });

  it('refuses propagate when a side cannot delete by key', () => {
    const errors = errorsOf(`${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at }
    b: { connection: erp, destination: { type: db.rows, table: clients }, table: clients, key: client_no, cursor: modified }
    fields: { email: { b: email_address } }
    deletes: propagate
`);
    expect(brief(errors)).toEqual([
      [
        'CONFIG_INVALID',
        '10:14',
        'syncs.s.deletes: propagate deletes records on side b (erp), but db.rows cannot delete by key',
      ],
    ]);
  });
});

describe('syncs: keyed writes', () => {
  it('offers the connector’s own destinations with keyed writes', () => {
    const errors = errorsOf(`${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, destination: { type: db.log, table: customers }, key: id, cursor: updated_at }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields: { email: { b: email_address } }
`);
    expect(errors.map((e) => [e.code, e.hint])).toEqual([
      ['CONFIG_SYNC_NO_KEYED_WRITES', 'Use a db destination with keyed writes: db.rows, db.table.'],
    ]);
  });
});

describe('syncs: the cursor', () => {
  it('is not written by a field when the sync stamps it', () => {
    const errors = errorsOf(`${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at, stampCursor: true }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
      changed: { a: updated_at, b: modified }
`);
    expect(brief(errors)).toEqual([
      [
        'CONFIG_SYNC_FIELD',
        '10:21',
        "syncs.s.fields.changed: updated_at is side a's cursor, stamped by the sync on every write (stampCursor), and also written by this field",
      ],
    ]);
  });
});
