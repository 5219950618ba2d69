import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { createRecordSet } from './record-set.js';

interface Person {
  email: string;
  name: string;
  score?: number;
}

function people() {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const set = createRecordSet<Person>({ clock, id: (n) => `p${n}` });
  return { clock, set };
}

describe('record set', () => {
  it('stamps inserts and updates with the clock, counts versions and keeps created time', () => {
    const { clock, set } = people();
    const ann = set.insert({ email: 'ann@x.com', name: 'Ann' });
    expect(ann).toMatchObject({ id: 'p1', version: 1, seq: 1, createdAt: new Date('2026-01-01T00:00:00Z') });
    clock.advance(60_000);
    const updated = set.update('p1', { name: 'Anna' });
    expect(updated).toMatchObject({
      data: { email: 'ann@x.com', name: 'Anna' },
      version: 2,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      modifiedAt: new Date('2026-01-01T00:01:00Z'),
    });
    expect(set.update('p9', { name: 'x' })).toBeUndefined();
    expect(set.insert({ email: 'b@x.com', name: 'B' }, { at: new Date('2025-06-01T00:00:00Z') }).modifiedAt).toEqual(
      new Date('2025-06-01T00:00:00Z'),
    );
    expect(() => set.insert({ email: 'c@x.com', name: 'C' }, { id: 'p1' })).toThrow(/p1 exists/);
  });

  it('upserts by an external id: creates, updates the one match, refuses several matches', () => {
    const { set } = people();
    expect(set.upsert('email', { email: 'ann@x.com', name: 'Ann' }).outcome).toBe('created');
    const again = set.upsert('email', { email: 'ann@x.com', name: 'Anna' });
    expect(again.outcome === 'updated' && again.record).toMatchObject({ id: 'p1', data: { name: 'Anna' } });
    set.insert({ email: 'ann@x.com', name: 'twin' });
    const twice = set.upsert('email', { email: 'ann@x.com', name: 'x' });
    expect(twice.outcome).toBe('ambiguous');
    expect(twice.outcome === 'ambiguous' && twice.matches.map((m) => m.id)).toEqual(['p1', 'p2']);
    expect(set.size).toBe(2);
  });

  it('deletes to a tombstone that delta queries can still see', () => {
    const { clock, set } = people();
    set.insert({ email: 'a@x.com', name: 'A' });
    clock.advance(1000);
    expect(set.delete('p1')).toBe(true);
    expect(set.delete('p1')).toBe(false);
    expect(set.get('p1')).toBeUndefined();
    expect(set.size).toBe(0);
    expect(set.query()).toEqual([]);
    expect(set.query({ includeDeleted: true })[0]).toMatchObject({
      id: 'p1',
      deletedAt: new Date('2026-01-01T00:00:01Z'),
      modifiedAt: new Date('2026-01-01T00:00:01Z'),
    });
  });

  it('filters by data and bookkeeping fields and orders with insertion order breaking ties', () => {
    const { clock, set } = people();
    for (let i = 1; i <= 12; i += 1) {
      set.insert({ email: `u${i}@x.com`, name: i % 2 === 0 ? 'even' : 'odd', score: i % 3 });
      clock.advance(1000);
    }
    const ids = (q: Parameters<typeof set.query>[0]) => set.query(q).map((r) => r.id);
    expect(ids({})).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10', 'p11', 'p12']);
    expect(ids({ where: [{ field: 'modifiedAt', op: 'gte', value: '2026-01-01T00:00:10Z' }] })).toEqual(['p11', 'p12']);
    expect(ids({ where: [{ field: 'modifiedAt', op: 'lt', value: new Date('2026-01-01T00:00:02Z') }] })).toEqual([
      'p1',
      'p2',
    ]);
    expect(
      ids({
        where: [
          { field: 'name', op: 'eq', value: 'even' },
          { field: 'score', op: 'eq', value: 0 },
        ],
      }),
    ).toEqual(['p6', 'p12']);
    expect(ids({ where: [{ field: 'id', op: 'in', value: ['p3', 'p30'] }] })).toEqual(['p3']);
    expect(ids({ where: [{ field: 'email', op: 'startsWith', value: 'u1' }] })).toEqual(['p1', 'p10', 'p11', 'p12']);
    expect(ids({ where: [{ field: 'email', op: 'contains', value: '2@' }] })).toEqual(['p2', 'p12']);
    expect(
      ids({
        where: [
          { field: 'score', op: 'ne', value: 0 },
          { field: 'score', op: 'lte', value: 1 },
        ],
      }),
    ).toEqual(['p1', 'p4', 'p7', 'p10']);
    expect(ids({ orderBy: [{ field: 'score', direction: 'desc' }, { field: 'name' }] }).slice(0, 5)).toEqual([
      'p2', // score 2, even
      'p8',
      'p5', // score 2, odd
      'p11',
      'p4', // score 1, even
    ]);
    expect(ids({ where: [{ field: 'score', op: 'gt', value: 1 }] })).toHaveLength(4);
  });
});
