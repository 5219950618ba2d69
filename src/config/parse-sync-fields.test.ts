import { describe, expect, it } from 'vitest';
import { brief, CONNECTIONS, errorsOf, parse } from '../../test/helpers/sync-config.js';

/** A valid sync with these lines after `fields:` (and `rest` after them). */
function withFields(fields: string, rest = ''): string {
  return `${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at, deleted: deleted_at }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
${fields}${rest}`;
}

describe('syncs: fields', () => {
  it('reports unknown keys, a bad direction with a suggestion, and a spec for a side the field does not write', () => {
    const errors = errorsOf(
      withFields(`      email: { b: email_address, dirction: both }
      phone: { direction: a-to-B }
      tier: { direction: b-to-a, toB: { transform: uppercase } }
`),
    );
    expect(brief(errors)).toEqual([
      ['CONFIG_UNKNOWN_KEY', '10:34', 'unknown key "dirction" in syncs.s.fields.email'],
      [
        'CONFIG_INVALID',
        '11:27',
        'syncs.s.fields.phone.direction must be one of "both", "a-to-b", "b-to-a", not the string "a-to-B"',
      ],
      ['CONFIG_SYNC_FIELD', '12:34', 'syncs.s.fields.tier.toB: the field goes b-to-a, so nothing is written to side b'],
    ]);
    expect(errors[0]?.hint).toContain('Did you mean "direction"?');
    expect(errors[1]?.hint).toContain('Did you mean "a-to-b"?');
  });

  it('reports a side field written by two sync fields, and a key synced both ways', () => {
    const errors = errorsOf(
      withFields(`      email: { b: email_address }
      mail: { a: email, b: email_address }
      copy: { a: email, b: notes, direction: a-to-b }
      id: { b: client_no }
`),
    );
    expect(brief(errors)).toEqual([
      [
        'CONFIG_SYNC_FIELD',
        '11:18',
        'syncs.s.fields.mail: field email of side a (crm) is already written by fields.email',
      ],
      [
        'CONFIG_SYNC_FIELD',
        '11:28',
        'syncs.s.fields.mail: field email_address of side b (erp) is already written by fields.email',
      ],
      ['CONFIG_SYNC_FIELD', '13:7', "syncs.s.fields.id: id is side a's key (crm); a key is not synced both ways"],
      [
        'CONFIG_SYNC_FIELD',
        '13:16',
        "syncs.s.fields.id: client_no is side b's key (erp); a key is not synced both ways",
      ],
    ]);
    // one-way copies of a key, and reading one field into two, are fine
    const ok = parse(
      withFields(`      email: { b: email_address }
      copy: { a: email, b: notes, direction: a-to-b }
      crm_id: { a: id, b: name, direction: a-to-b }
`),
    );
    expect(ok.syncs?.s?.fields.map((f) => f.name)).toEqual(['email', 'copy', 'crm_id']);
  });

  it('checks toA/toB with the map step’s field schema, at their own YAML nodes', () => {
    const errors = errorsOf(
      withFields(`      tier: { direction: a-to-b, toB: { transfrom: uppercase } }
      name: { direction: b-to-a, toA: [not, a, spec] }
`),
    );
    expect(brief(errors)).toEqual([
      ['CONFIG_UNKNOWN_KEY', '10:41', 'unknown key "transfrom" in syncs.s.fields.tier.toB'],
      ['CONFIG_INVALID', '11:39', 'syncs.s.fields.name.toA: a list is not allowed here'],
    ]);
    expect(errors[0]?.hint).toContain('Did you mean "transform"?');
  });
});

describe('syncs: invertibility', () => {
  it('inverts a one-to-one value map either way and drops its default', () => {
    const sync = parse(
      withFields(`      status: { toA: { values: { A: active, I: inactive }, default: active } }
      flag: { toB: { values: { "true": 1, "false": 0 } } }
`),
    ).syncs?.s;
    expect(sync?.fields.map((f) => [f.toA, f.toB])).toEqual([
      [{ values: { A: 'active', I: 'inactive' }, default: 'active' }, { values: { active: 'A', inactive: 'I' } }],
      [{ values: { '1': 'true', '0': 'false' } }, { values: { true: 1, false: 0 } }],
    ]);
  });

  it('refuses a one-way transform on a two-way field, and a value map with two inputs for one output', () => {
    const errors = errorsOf(
      withFields(`      email: { b: email_address, toB: { transform: lowercase } }
      status: { toB: { values: { active: A, live: A, inactive: I } } }
      name: { a: full_name, toA: first_name }
      tier: { toB: { template: "{{ tier }}!" }, toA: { transform: trim } }
`),
    );
    expect(brief(errors)).toEqual([
      [
        'CONFIG_SYNC_NOT_INVERTIBLE',
        '10:34',
        'syncs.s.fields.email.toB: field email syncs both ways, but its toB cannot be undone for side a: transform cannot be undone',
      ],
      [
        'CONFIG_SYNC_NOT_INVERTIBLE',
        '11:17',
        'syncs.s.fields.status.toB: field status syncs both ways, but its toB cannot be undone for side a: the value map gives "A" for both "active" and "live"',
      ],
      [
        'CONFIG_SYNC_NOT_INVERTIBLE',
        '12:29',
        'syncs.s.fields.name.toA: field name syncs both ways, but its toA cannot be undone for side b: it reads another field (first_name)',
      ],
    ]);
    expect(errors[0]?.hint).toBe(
      "Add `toA:` (how side a's value is computed from side b's), or set `direction: a-to-b`.",
    );
  });
});

describe('syncs: match, deletes, conflicts', () => {
  it('match fields are two-way sync fields; delete markers are not sync fields', () => {
    const errors = errorsOf(
      withFields(
        `      email: { b: email_address }
      tier: a-to-b
      deleted_at: { b: notes, direction: a-to-b }
`,
        `    match: { fields: [tier, emial] }
    deletes: { policy: flag, flag: { b: { field: email_address } } }
`,
      ),
    );
    expect(brief(errors)).toEqual([
      [
        'CONFIG_SYNC_FIELD',
        '7:83',
        "syncs.s.a.deleted: deleted_at is side a's soft-delete field and also synced as fields.deleted_at",
      ],
      [
        'CONFIG_SYNC_FIELD',
        '13:23',
        'syncs.s.match.fields[0]: field tier goes a-to-b; a match field must go both ways',
      ],
      ['CONFIG_SYNC_FIELD', '13:29', 'syncs.s.match.fields[1]: emial is not a field of the sync'],
      [
        'CONFIG_SYNC_FIELD',
        '14:50',
        "syncs.s.deletes.flag.b.field: email_address is side b's delete flag field and also synced as fields.email",
      ],
    ]);
  });

  it('checks the policies: enums with suggestions, skew as a duration, flag needs its field, reconcile a cron', () => {
    const errors = errorsOf(
      withFields(
        `      email: { b: email_address, conflict: newset }
`,
        `    conflicts: { policy: manuel, skew: 2 minutes }
    deletes: { policy: flag, reconcile: "0 3 * *" }
`,
      ),
    );
    expect(brief(errors).map(([c, w, m]) => [c, w, m.replace(/ \(invalid configuration.*$/, '')])).toEqual([
      [
        'CONFIG_INVALID',
        '10:44',
        'syncs.s.fields.email.conflict must be one of "newest", "a", "b", "manual", not the string "newset"',
      ],
      [
        'CONFIG_INVALID',
        '11:26',
        'syncs.s.conflicts.policy must be one of "newest", "a", "b", "manual", not the string "manuel"',
      ],
      ['CONFIG_INVALID', '11:40', 'syncs.s.conflicts.skew: a duration like 30s, 10m, 1h or a number of ms'],
      ['CONFIG_INVALID', '12:14', 'syncs.s.deletes: policy flag needs the field to set'],
      ['CONFIG_BAD_CRON', '12:41', 'syncs.s.deletes.reconcile: "0 3 * *" is not a valid cron expression'],
    ]);
    expect(errors.map((e) => e.hint?.slice(0, 24))).toContain('Did you mean "newest"? U');
    expect(errors.map((e) => e.hint?.slice(0, 24))).toContain('Did you mean "manual"? U');
  });
});
