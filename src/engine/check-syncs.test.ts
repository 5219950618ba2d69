import { describe, expect, it } from 'vitest';
import { CONNECTIONS, FILE, parse } from '../../test/helpers/sync-config.js';
import { syncTestCatalog } from '../../test/helpers/sync-test-catalog.js';
import { checkProject } from './check-project.js';
import { syncSideProblems } from './check-sync-sides.js';
import { createRegistry } from './registry.js';

const registry = createRegistry(syncTestCatalog.connectors, syncTestCatalog.steps);

function sync(fields: string, sides = ''): string {
  return `${CONNECTIONS}syncs:
  s:
    a: { connection: crm, table: customers, key: id, cursor: updated_at${sides} }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
${fields}`;
}

const brief = (errors: readonly { code: string; where?: string | undefined; message: string }[]) =>
  errors.map((e) => [e.code, (e.where ?? '').slice(FILE.length + 1), e.message]);

describe('validate: a sync’s toA / toB compiled by the map step', () => {
  it('places each compile error at the spec’s own YAML node', async () => {
    const project = parse(
      sync(`      tier: { direction: a-to-b, toB: { transform: [trim, upppercase] } }
      name: { a: full_name, toB: { template: "{{ full_name }" }, toA: { compute: "name +" } }
      email: { b: email_address }
`),
    );
    const problems = await checkProject(registry, project);
    expect(brief(problems)).toEqual([
      [
        'CONFIG_BAD_MAPPING',
        '10:59',
        expect.stringMatching(/^syncs\.s\.fields\.tier\.toB\.transform\[1\]: unknown transform "upppercase"/),
      ],
      ['CONFIG_BAD_MAPPING', '11:36', expect.stringMatching(/^syncs\.s\.fields\.name\.toB\.template: /)],
      ['CONFIG_BAD_MAPPING', '11:73', expect.stringMatching(/^syncs\.s\.fields\.name\.toA\.compute: /)],
    ]);
    expect(problems[0]?.hint).toContain('uppercase');
  });

  it('finds nothing wrong in valid specs (the inverted value map included)', async () => {
    const project = parse(sync('      status: { toB: { values: { active: A, inactive: I } } }\n'));
    expect(await checkProject(registry, project)).toEqual([]);
  });
});

describe('validate --connect: a sync’s columns', () => {
  it('names each mapped field, key and cursor that is not a column, with the closest column', async () => {
    const project = parse(
      sync(
        `      email: {}
      name: { a: ful_name, b: name }
      phone: a-to-b
`,
        ', deleted: deleted_on',
      ).replace('cursor: modified', 'cursor: modifed'),
    );
    const problems = await syncSideProblems(registry, project);
    expect(brief(problems)).toEqual([
      [
        'CONFIG_SYNC_FIELD',
        '11:15',
        'syncs.s.a (crm): fields.name.a names ful_name, but customers has no column ful_name',
      ],
      [
        'CONFIG_SYNC_FIELD',
        '7:8',
        'syncs.s.a (crm): a.deleted names deleted_on, but customers has no column deleted_on',
      ],
      [
        'CONFIG_SYNC_FIELD',
        '10:7',
        "syncs.s.b (erp): fields.email.b names email (the sync field's own name), but clients has no column email",
      ],
      ['CONFIG_SYNC_FIELD', '8:8', 'syncs.s.b (erp): b.cursor names modifed, but clients has no column modifed'],
    ]);
    expect(problems[0]?.hint).toMatch(/^Did you mean "full_name"\? Name a column of customers/);
    expect(problems[2]?.hint).toBe(
      'Did you mean "email_address"? The sides name the field differently: give side b\'s column with `b: <column>`.',
    );
  });

  it('reports a side whose table does not exist, and nothing for a sync whose columns are all there', async () => {
    const missing = parse(sync('      email: { b: email_address }\n').replace('table: clients', 'table: client'));
    expect(brief(await syncSideProblems(registry, missing))).toEqual([
      ['CONFIG_INVALID', '8:8', 'syncs.s.b (erp): table client does not exist'],
    ]);
    const fine = parse(sync('      email: { b: email_address }\n'));
    expect(await syncSideProblems(registry, fine)).toEqual([]);
  });
});
