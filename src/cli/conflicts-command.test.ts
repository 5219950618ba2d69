import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { type Seeded, seedSyncReview } from '../../test/helpers/sync-review.js';
import { conflictsList, conflictsShow } from './conflicts-command.js';
import { conflictsResolve, parseValue } from './conflicts-resolve-command.js';

let s: Seeded;
beforeEach(async () => {
  s = await seedSyncReview();
});
afterEach(() => s.cleanup());

describe('syncline conflicts …', () => {
  it('list: a table of the open conflicts, masked, with paging and the next command; --json; empty says why', async () => {
    const out = await captured(() => conflictsList('customers', { db: s.db, limit: 2 }));
    expect(out.status).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^id\s+sync\s+kind\s+field\s+record\s+base\s+side a\s+side b\s+status\s+opened \(UTC\)/);
    expect(out.stdout).toMatch(/email\s+crm 1 ↔ erp C-1\s+\*\*\*\.com\s+crm: \*\*\*\.com\s+erp: \*\*\*\.com\s+open/);
    expect(out.stdout).toMatch(/name\s+crm 2 ↔ erp C-2\s+Person Number 2\s+crm: Person Two A\s+erp: Person Two B/);
    expect(out.stdout).not.toContain('ada.a@example.com');
    expect(out.stdout).toContain(
      `2 of 3 shown; next page: --after ${s.conflicts.name}; details: syncline conflicts show <id>`,
    );
    expect(out.stdout).toContain('(masked: email; --unmask shows them)');
    const next = await captured(() =>
      conflictsList('customers', { db: s.db, limit: 2, after: String(s.conflicts.name) }),
    );
    expect(next.stdout).toMatch(/match\s+-\s+crm 9\s+-\s+2 candidates/);
    const json = JSON.parse(
      (await captured(() => conflictsList(undefined, { db: s.db, limit: 9, json: true }))).stdout,
    );
    expect(json).toHaveLength(3);
    const none = await captured(() => conflictsList('customers', { db: s.db, limit: 9, field: 'phone' }));
    expect(none.stdout).toBe('no conflicts match (sync=customers status=open field=phone)\n');
    await expect(conflictsList('custmers', { db: s.db, limit: 9 })).rejects.toThrow(
      'no sync named "custmers" has run with this state store (syncs: customers)',
    );
    await expect(conflictsList('customers', { db: s.db, limit: 9, status: 'closed' })).rejects.toThrow(
      'unknown conflict status "closed"',
    );
  });

  it('show: field | base | crm | erp side by side with each side change time; a match conflict lists candidates', async () => {
    const out = (await captured(() => conflictsShow(String(s.conflicts.email), { db: s.db, unmask: true }))).stdout;
    expect(out).toContain(`conflict ${s.conflicts.email} (open) of sync customers: field email`);
    expect(out).toMatch(/record: crm 1 ↔ erp C-1\s+link \d+\s+run \d+/);
    expect(out).toMatch(/field\s+base \(last synced\)\s+crm\s+erp/);
    expect(out).toMatch(
      /email \(email \/ email_address\)\s+person1@example\.com\s+ada\.a@example\.com\s+ada\.b@example\.com/,
    );
    expect(out).toMatch(/changed at\s+2026-12-01T11:00:00Z\s+2026-12-01T11:05:00Z/);
    expect(out).toContain(`resolve: syncline conflicts resolve ${s.conflicts.email} --take a|b`);
    const masked = (await captured(() => conflictsShow(String(s.conflicts.email), { db: s.db }))).stdout;
    expect(masked).not.toContain('ada.a@example.com');
    const match = (await captured(() => conflictsShow(String(s.conflicts.match), { db: s.db }))).stdout;
    expect(match).toContain('ambiguous match');
    expect(match).toMatch(/erp\s+C-90\s+\{"email_address":"\*\*\*\.com","name":"Twin One"\}/);
    expect(match).toContain('--pair <record> | --separate');
    await expect(conflictsShow('777', { db: s.db })).rejects.toThrow('conflict 777: no conflict has this id');
  });

  it('resolve by id: says which side won and that the next run applies it, with the command', async () => {
    const out = await captured(() =>
      conflictsResolve([String(s.conflicts.email)], { db: s.db, take: 'b', note: 'erp is right' }),
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(
      `conflict ${s.conflicts.email} resolved: erp's value wins (erp is right)\nthe next run of sync customers applies it: syncline run ${s.file} customers\n`,
    );
    const shown = (await captured(() => conflictsShow(String(s.conflicts.email), { db: s.db }))).stdout;
    expect(shown).toContain("resolution: take erp's value");
    expect(shown).toContain(`applied by the next run: syncline run ${s.file} customers`);
    const pair = await captured(() => conflictsResolve([String(s.conflicts.match)], { db: s.db, pair: 'C-90' }));
    expect(pair.stdout).toContain(`conflict ${s.conflicts.match} resolved: paired with C-90`);
    await expect(conflictsResolve([String(s.conflicts.name)], { db: s.db, take: 'value' })).rejects.toThrow(
      '--take value needs --value <json or text>',
    );
    await expect(conflictsResolve([String(s.conflicts.name)], { db: s.db })).rejects.toThrow(
      'say how to resolve: --take a|b|value, --pair <record> or --separate',
    );
    const value = await captured(() =>
      conflictsResolve([String(s.conflicts.name)], { db: s.db, take: 'value', value: 'Person Two' }),
    );
    expect(value.stdout).toContain('resolved: the value given goes to both sides');
    expect(parseValue('42')).toBe(42);
    expect(parseValue('{"a":1}')).toEqual({ a: 1 });
    expect(parseValue('Ada Lovelace')).toBe('Ada Lovelace');
  });

  it('resolve --all: prints the match count first and asks for --yes when more than one', async () => {
    const ask = await captured(() =>
      conflictsResolve([], { db: s.db, all: true, sync: 'customers', kind: 'field', take: 'a' }),
    );
    expect(ask.status).toBe(1);
    expect(ask.stdout).toBe(
      '2 open conflicts match (sync=customers status=open kind=field)\nnothing resolved yet: add --yes to resolve all 2\n',
    );
    const one = await captured(() => conflictsResolve([], { db: s.db, all: true, field: 'name', take: 'a' }));
    expect(one.stdout).toContain('1 open conflict match (status=open field=name)');
    expect(one.stdout).toContain(`conflict ${s.conflicts.name} resolved: crm's value wins`);
    const yes = await captured(() =>
      conflictsResolve([], { db: s.db, all: true, kind: 'field', take: 'a', yes: true }),
    );
    expect(yes.stdout).toContain('1 open conflict match');
    const none = await captured(() => conflictsResolve([], { db: s.db, all: true, kind: 'field', take: 'a' }));
    expect(none.stdout).toBe('no open conflicts match (status=open kind=field); nothing resolved\n');
    await expect(conflictsResolve(['1'], { db: s.db, all: true, take: 'a' })).rejects.toThrow(
      'give conflict ids or --all with filters, not both',
    );
    await expect(conflictsResolve([], { db: s.db, all: true, take: 'value', value: '1' })).rejects.toThrow(
      '--all takes a side (--take a|b)',
    );
  });
});
