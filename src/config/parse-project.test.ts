import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowError, FlowErrors } from '../sdk/index.js';
import { fakeCatalog } from './fake-catalog.js';
import { loadProject } from './load-project.js';
import { parseProject } from './parse-project.js';

const FILE = '/work/flows/orders.yaml';

const EXAMPLE = `connections:
  files: { type: file, dir: ./data }
  erp:   { type: sqlite, path: ./erp.db }
  shop:  { type: sqlite, path: \${env:SHOP_DB} }          # a reference inside a flow map
flows:
  orders-to-erp:
    description: Orders from the shop CSV into the ERP
    schedule: "*/15 * * * *"
    timezone: Europe/Berlin
    source:
      connection: files
      type: file.csv
      path: orders.csv
    steps:
      - filter: { all: [{ field: status, op: ne, value: voided }] }
      - name: normalise
        map:
          email: { from: customer.email, transform: lowercase }
    destinations:
      - connection: erp
        type: sqlite.table
        name: erp-orders
        batch: { size: 200 }
        table: orders
        operation: upsert
        key: [email]
`;

function parse(text: string, env: Record<string, string> = {}) {
  return parseProject(text, FILE, fakeCatalog, { env });
}

function errorsOf(text: string, env: Record<string, string> = {}): FlowError[] {
  try {
    parse(text, env);
  } catch (error) {
    if (error instanceof FlowErrors) return [...error.errors];
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseProject', () => {
  it('turns the reference example into a validated definition', () => {
    const project = parse(EXAMPLE, { SHOP_DB: '/var/shop.db' });
    expect(project).toEqual({
      file: FILE,
      baseDir: '/work/flows',
      connections: {
        files: { name: 'files', type: 'file', config: { dir: './data' }, where: `${FILE}:2:3` },
        erp: { name: 'erp', type: 'sqlite', config: { path: './erp.db', timeoutMs: 5000 }, where: `${FILE}:3:3` },
        shop: { name: 'shop', type: 'sqlite', config: { path: '/var/shop.db', timeoutMs: 5000 }, where: `${FILE}:4:3` },
      },
      flows: {
        'orders-to-erp': {
          name: 'orders-to-erp',
          description: 'Orders from the shop CSV into the ERP',
          schedule: '*/15 * * * *',
          timezone: 'Europe/Berlin',
          source: {
            connection: 'files',
            type: 'file.csv',
            config: { path: 'orders.csv', delimiter: ',', header: true },
            where: `${FILE}:11:7`,
            fieldWhere: expect.any(Function),
          },
          steps: [
            {
              name: 'filter',
              type: 'filter',
              config: { all: [{ field: 'status', op: 'ne', value: 'voided' }] },
              where: `${FILE}:15:9`,
              fieldWhere: expect.any(Function),
            },
            {
              name: 'normalise',
              type: 'map',
              config: { email: { from: 'customer.email', transform: 'lowercase' } },
              where: `${FILE}:16:9`,
              fieldWhere: expect.any(Function),
            },
          ],
          destinations: [
            {
              name: 'erp-orders',
              connection: 'erp',
              type: 'sqlite.table',
              config: { table: 'orders', operation: 'upsert', key: ['email'] },
              batch: { size: 200, parallel: false, maxParallel: 4 },
              where: `${FILE}:20:9`,
            },
          ],
          where: `${FILE}:6:3`,
        },
      },
      redactor: { redact: expect.any(Function) },
    });
    expect(project.redactor?.redact('cannot open /var/shop.db')).toBe('cannot open ***');
    const flow = project.flows['orders-to-erp'];
    const source = flow?.source.fieldWhere;
    expect([source?.('connection'), source?.('type'), source?.('path'), source?.('nope')]).toEqual([
      `${FILE}:11:7`,
      `${FILE}:12:7`,
      `${FILE}:13:7`,
      undefined,
    ]);
    const map = flow?.steps[1]?.fieldWhere;
    expect([map?.('email'), map?.('email.from'), map?.('email.transform')]).toEqual([
      `${FILE}:18:11`,
      `${FILE}:18:20`,
      `${FILE}:18:42`,
    ]);
  });

  it('builds one redactor for the resolved secrets, env values and every known secret', () => {
    const project = parse(
      `connections:
  files: { type: file, dir: "\${env:DATA_DIR}" }
  erp: { type: sqlite, path: "\${secret:ERP_PATH}" }
flows:
  f:
    source: { connection: files, type: file.csv, path: "a-\${env:SHORT}.csv" }
    destinations:
      - { connection: erp, type: sqlite.table, table: a }
`,
      {
        DATA_DIR: '/srv/data/in',
        SHORT: 'x',
        SYNCLINE_SECRET_ERP_PATH: 'erp-p4ss',
        SYNCLINE_SECRET_UNUSED: 'other-key',
      },
    );
    expect(project.redactor?.redact('/srv/data/in erp-p4ss other-key a-x.csv')).toBe('*** *** *** a-x.csv');
  });

  it('names repeated steps type, type#2… and destinations after their connection', () => {
    const project = parse(`connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: a.db }
flows:
  f:
    source: { connection: files, type: file.csv, path: a.csv }
    steps:
      - map: { a: b }
      - dedupe:
      - map: { c: d }
      - { name: map#2-custom, map: { e: f } }
      - map: { g: h }
    destinations:
      - { connection: erp, type: sqlite.table, table: a }
      - { connection: erp, type: sqlite.table, table: b }
      - { connection: files, type: file.jsonl, path: out.jsonl }
      - { connection: erp, type: sqlite.table, table: c, name: audit }
`);
    const flow = project.flows.f;
    expect(flow?.steps.map((s) => s.name)).toEqual(['map', 'dedupe', 'map#2', 'map#2-custom', 'map#3']);
    expect(flow?.steps[1]?.config).toEqual({ key: 'id' });
    expect(flow?.destinations.map((d) => d.name)).toEqual(['erp', 'erp#2', 'files', 'audit']);
    expect(flow?.destinations.map((d) => d.batch.size)).toEqual([1000, 1000, 1000, 1000]);
    expect(flow?.schedule).toBeUndefined();
    expect(flow && 'description' in flow).toBe(false);
  });

  it('supports anchors, aliases and merge keys; x- keys hold shared fragments', () => {
    const text = `x-defaults:
  db: &db { type: sqlite, timeoutMs: 100 }
  upsert: &upsert { connection: erp, type: sqlite.table, operation: upsert, key: [email] }
  emails: &emails { email: { from: e, transform: lowercase } }
connections:
  erp: { <<: *db, path: erp.db }
  archive:
    <<: *db
    path: archive.db
  files: { type: file, dir: . }
flows:
  a:
    source: &src { connection: files, type: file.csv, path: a.csv }
    steps: [{ map: *emails }]
    destinations: [{ <<: *upsert, table: a }]
  b:
    source: *src
    destinations: [{ <<: *upsert, table: b, operation: insert }]
`;
    const project = parse(text);
    expect(project.connections.erp?.config).toEqual({ path: 'erp.db', timeoutMs: 100 });
    expect(project.connections.archive?.config).toEqual({ path: 'archive.db', timeoutMs: 100 });
    expect(project.flows.a?.steps[0]?.config).toEqual({ email: { from: 'e', transform: 'lowercase' } });
    expect({ ...project.flows.b?.source, fieldWhere: null }).toEqual({ ...project.flows.a?.source, fieldWhere: null });
    expect(project.flows.b?.source.fieldWhere?.('path')).toBe(project.flows.a?.source.fieldWhere?.('path'));
    expect(project.flows.a?.destinations[0]).toMatchObject({
      connection: 'erp',
      type: 'sqlite.table',
      config: { table: 'a', operation: 'upsert', key: ['email'] },
    });
    expect(project.flows.b?.destinations[0]?.config).toEqual({ table: 'b', operation: 'insert', key: ['email'] });
  });

  it('locates a problem in merged or aliased content at the anchor', () => {
    const text = `x-defaults:
  db: &db { type: sqlite, timeoutMs: slow }
connections:
  erp: { <<: *db, path: erp.db }
  files: { type: file, dir: . }
flows:
  a:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: erp, type: sqlite.table, table: a }]
`;
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.code, e.where, e.message])).toEqual([
      ['CONFIG_INVALID', `${FILE}:2:38`, 'connections.erp.timeoutMs must be a number, not the string "slow"'],
    ]);
  });

  it('rejects unknown top-level keys that do not start with x-', () => {
    const errors = errorsOf('flow:\n  a: {}\n');
    expect(errors.map((e) => [e.code, e.where, e.message, e.hint])).toEqual([
      [
        'CONFIG_UNKNOWN_KEY',
        `${FILE}:1:1`,
        'unknown key "flow" at the top level',
        'Did you mean "flows"? Known keys here: connections, flows, notify, syncs (and any key starting with x-).',
      ],
    ]);
    // without the mistyped key: the file declares nothing to run
    expect(errorsOf('connections: {}\n').map((e) => e.message)).toEqual([
      'flows: the file declares no flow (and no sync)',
    ]);
  });
});

describe('references', () => {
  const base = (path: string) => `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: ${path} }
flows:
  f:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: erp, type: sqlite.table, table: t }]
`;
  const cases: readonly { name: string; yaml: string; env: Record<string, string>; path: string }[] = [
    { name: 'whole value in a flow map', yaml: '${env:DB}', env: { DB: '/data/erp.db' }, path: '/data/erp.db' },
    { name: 'embedded', yaml: '${env:ROOT}/${env:NAME}.db', env: { ROOT: '/srv', NAME: 'erp' }, path: '/srv/erp.db' },
    { name: 'quoted', yaml: '"${env:DB}"', env: { DB: 'x.db' }, path: 'x.db' },
    { name: 'default when unset', yaml: '${env:DB:-local.db}', env: {}, path: 'local.db' },
    { name: 'default when empty', yaml: '${env:DB:-local.db}', env: { DB: '' }, path: 'local.db' },
    { name: 'empty default', yaml: 'x${env:DB:-}y', env: {}, path: 'xy' },
    { name: 'set value beats default', yaml: '${env:DB:-local.db}', env: { DB: 'set.db' }, path: 'set.db' },
    { name: 'set but empty', yaml: 'a${env:DB}b', env: { DB: '' }, path: 'ab' },
    { name: 'secret', yaml: '${secret:DB_PATH}', env: { SYNCLINE_SECRET_DB_PATH: 'p4ss' }, path: 'p4ss' },
    { name: 'escaped', yaml: '"$${env:DB}"', env: {}, path: '${env:DB}' },
    { name: 'a lone dollar', yaml: '"cost$5.db"', env: {}, path: 'cost$5.db' },
  ];
  it.each(cases)('$name', ({ yaml, env, path }) => {
    expect(parse(base(yaml), env).connections.erp?.config).toEqual({ path, timeoutMs: 5000 });
  });

  it('resolves references in block mappings and block scalars', () => {
    const text = base('x').replace(
      '  erp: { type: sqlite, path: x }',
      '  erp:\n    type: sqlite\n    path: >-\n      ${env:ROOT}/\n      erp.db',
    );
    expect(parse(text, { ROOT: '/srv' }).connections.erp?.config).toEqual({ path: '/srv/ erp.db', timeoutMs: 5000 });
  });

  it('produces strings, also for values that look like numbers', () => {
    const project = parse(base('${env:N}').replace('table: t', 'table: ${env:N}'), { N: '42' });
    expect(project.connections.erp?.config).toEqual({ path: '42', timeoutMs: 5000 });
    expect(project.flows.f?.destinations[0]?.config).toEqual({ table: '42', operation: 'insert' });
    const errors = errorsOf(base('x').replace('timeoutMs', 'x').replace('path: x', 'path: x, timeoutMs: ${env:N}'), {
      N: '42',
    });
    expect(errors.map((e) => e.message)).toEqual(['connections.erp.timeoutMs must be a number, not the string "42"']);
  });

  it('resolves a reference once when its anchor is used through aliases', () => {
    const text = `connections:
  files: { type: file, dir: &dir \${env:MISSING} }
  more: { type: file, dir: *dir }
flows:
  f:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: more, type: file.jsonl, path: b }]
`;
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.code, e.where])).toEqual([['CONFIG_MISSING_ENV', `${FILE}:2:34`]]);
  });

  it('reads process.env when no env is given', () => {
    const name = `SYNCLINE_SPEC_TEST_${process.pid}`;
    process.env[name] = 'from-process.db';
    try {
      const project = parseProject(base(`\${env:${name}}`), FILE, fakeCatalog);
      expect(project.connections.erp?.config).toEqual({ path: 'from-process.db', timeoutMs: 5000 });
    } finally {
      delete process.env[name];
    }
  });
});

describe('loadProject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file and resolves baseDir against it', async () => {
    const file = join(dir, 'flows.yaml');
    writeFileSync(file, EXAMPLE);
    const project = await loadProject(file, fakeCatalog, { env: { SHOP_DB: 's.db' } });
    expect(project.file).toBe(file);
    expect(project.baseDir).toBe(dir);
    expect(project.flows['orders-to-erp']?.where).toBe(`${file}:6:3`);
  });

  it('reports problems with the file name as given', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'flows:\n  f: {}\n');
    const error = await loadProject(file, fakeCatalog, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowErrors);
    expect((error as FlowErrors).errors.map((e) => e.where)).toEqual([`${file}:2:3`, `${file}:2:3`]);
  });

  it('throws FILE_NOT_FOUND for a missing file', async () => {
    const file = join(dir, 'nope.yaml');
    const error = await loadProject(file, fakeCatalog).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).code).toBe('FILE_NOT_FOUND');
    expect((error as FlowError).message).toContain(file);
    expect((error as FlowError).where).toBe(file);
  });
});

describe('parseProject with flows: only what one run needs', () => {
  const text = `connections:
  files: { type: file, dir: ./data }
  erp: { type: sqlite, path: ./erp.db }
flows:
  extract:
    source: { connection: files, type: file.csv, path: a.csv }
    next: [load, audit]
  load:
    source: { flow: extract }
    destinations: [{ connection: erp, type: sqlite.table, table: t }]
  audit:
    source: { flow: extract }
    destinations: [{ connection: erp, type: sqlite.table, table: t2 }]
  broken:
    source: { connection: nope, type: file.csv, path: b.csv }
    destinations: [{ connection: erp, type: sqlite.table, table: t3 }]
`;

  it('checks and returns the named flow and its pipeline, not the other flows', () => {
    const project = parseProject(text, FILE, fakeCatalog, { env: {}, flows: ['extract'] });
    expect(Object.keys(project.flows).sort()).toEqual(['audit', 'extract', 'load']);
  });

  it('checks a stage against the flow it reads, without the sibling stages', () => {
    const project = parseProject(text, FILE, fakeCatalog, { env: {}, flows: ['load'] });
    expect(Object.keys(project.flows).sort()).toEqual(['extract', 'load']);
  });

  it('checks every flow when the name is not declared (the caller reports it) or none is given', () => {
    expect(() => parseProject(text, FILE, fakeCatalog, { env: {}, flows: ['nope'] })).toThrow(/connection "nope"/);
    expect(() => parseProject(text, FILE, fakeCatalog, { env: {} })).toThrow(/connection "nope"/);
  });
});
