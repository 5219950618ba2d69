import { describe, expect, it } from 'vitest';
import { FlowError, FlowErrors } from '../sdk/index.js';
import { fakeCatalog } from './fake-catalog.js';
import { parseProject } from './parse-project.js';

const FILE = 'flows/orders.yaml';

/** Lines 1-5 of every case; the flow's keys start on line 6. */
const HEAD = [
  'connections:',
  '  files: { type: file, dir: ./data }',
  '  erp: { type: sqlite, path: ./erp.db }',
  'flows:',
  '  orders:',
];
const SOURCE = '    source: { connection: files, type: file.csv, path: orders.csv }';
const DEST = '    destinations: [{ connection: erp, type: sqlite.table, table: orders }]';

function errorsOf(lines: readonly string[], env: Record<string, string> = {}): FlowError[] {
  try {
    parseProject(lines.join('\n'), FILE, fakeCatalog, { env });
  } catch (error) {
    if (error instanceof FlowErrors) return [...error.errors];
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

interface Case {
  readonly name: string;
  readonly lines: readonly string[];
  readonly env?: Record<string, string>;
  /** Every error expected, in file order. */
  readonly errors: readonly {
    code: string;
    /** Line number, and the text whose first occurrence on that line starts the node (default: column 1+indent). */
    at: readonly [number, string];
    message: string;
    hint?: string;
  }[];
}

const cases: readonly Case[] = [
  {
    name: 'YAML syntax error',
    lines: [...HEAD, '    source: { connection: files, type: file.csv', DEST],
    errors: [{ code: 'CONFIG_YAML_SYNTAX', at: [7, 'destinations'], message: 'invalid YAML' }],
  },
  {
    name: 'unquoted cron: one problem with the quoting to use, not one per "*"',
    lines: [...HEAD, '    schedule: */5 * * * *', SOURCE, DEST],
    errors: [
      {
        code: 'CONFIG_YAML_SYNTAX',
        at: [6, '*/5'],
        message: 'the value */5 * * * * starts with "*", which YAML reads as an alias',
        hint: 'Quote the value: schedule: "*/5 * * * *"',
      },
    ],
  },
  {
    name: 'duplicate flow name',
    lines: [...HEAD, SOURCE, DEST, '  orders:', SOURCE, DEST],
    errors: [{ code: 'CONFIG_YAML_SYNTAX', at: [8, 'orders'], message: 'duplicate key "orders"', hint: 'unique' }],
  },
  {
    name: 'duplicate connection name',
    lines: [...HEAD.slice(0, 3), '  erp: { type: sqlite, path: a.db }', ...HEAD.slice(3), SOURCE, DEST],
    errors: [{ code: 'CONFIG_YAML_SYNTAX', at: [4, 'erp'], message: 'duplicate key "erp"' }],
  },
  {
    name: 'unknown flow key (typo of source)',
    lines: [...HEAD, '    sorce: { connection: files, type: file.csv, path: a.csv }', DEST],
    errors: [
      { code: 'CONFIG_INVALID', at: [5, 'orders'], message: 'flows.orders: the flow has no source' },
      {
        code: 'CONFIG_UNKNOWN_KEY',
        at: [6, 'sorce'],
        message: 'unknown key "sorce" in flows.orders',
        hint: '"source"',
      },
    ],
  },
  {
    name: 'unknown source setting and the missing one',
    lines: [...HEAD, '    source: { connection: files, type: file.csv, pth: orders.csv }', DEST],
    errors: [
      { code: 'CONFIG_INVALID', at: [6, '{'], message: 'flows.orders.source.path is required', hint: '`path:`' },
      {
        code: 'CONFIG_UNKNOWN_KEY',
        at: [6, 'pth'],
        message: 'unknown key "pth" in flows.orders.source',
        hint: 'Did you mean "path"? Known keys here: connection, delimiter, delta, header, once, path, type.',
      },
    ],
  },
  {
    name: 'delta: bad fullSync cron, unknown time zone, a since that is no date',
    lines: [
      ...HEAD,
      '    source: { connection: files, type: file.csv, path: a.csv,',
      '      delta: { field: updated_at, fullSync: "0 3 * *", timezone: Europe/Berln, since: yesterday } }',
      DEST,
    ],
    errors: [
      {
        code: 'CONFIG_BAD_CRON',
        at: [7, '"0 3'],
        message: 'flows.orders.source.delta.fullSync: "0 3 * *" is not a valid cron',
      },
      {
        code: 'CONFIG_INVALID',
        at: [7, 'Europe/Berln'],
        message: 'unknown time zone "Europe/Berln"',
        hint: 'Europe/Berlin',
      },
      { code: 'CONFIG_INVALID', at: [7, 'yesterday'], message: '"yesterday" is not a date' },
    ],
  },
  {
    name: 'delta: unknown key and a missing field',
    lines: [...HEAD, '    source: { connection: files, type: file.csv, path: a.csv, delta: { overlapp: 5m } }', DEST],
    errors: [
      { code: 'CONFIG_INVALID', at: [6, '{ overlapp'], message: 'flows.orders.source.delta.field is required' },
      { code: 'CONFIG_UNKNOWN_KEY', at: [6, 'overlapp'], message: 'unknown key "overlapp"', hint: '"overlap"' },
    ],
  },
  {
    name: 'once on a source that cannot mark records, and together with delta',
    lines: [
      ...HEAD,
      '    source: { connection: files, type: file.csv, path: a.csv, delta: { field: u }, once: { field: done } }',
      DEST,
    ],
    errors: [
      {
        code: 'CONFIG_INVALID',
        at: [6, '{ field: done'],
        message: 'source type file.csv cannot mark records as exported',
        hint: 'Export mode once works with',
      },
      { code: 'CONFIG_INVALID', at: [6, '{ field: done'], message: 'a source reads either by delta or once, not both' },
    ],
  },
  {
    name: 'pipelines: next names no flow, and a stage reading a flow that does not hand on to it',
    lines: [
      ...HEAD,
      SOURCE,
      '    next: nowhere',
      '  enrich:',
      '    source: { flow: other }',
      DEST,
      '  other:',
      SOURCE,
      DEST,
    ],
    errors: [
      { code: 'CONFIG_INVALID', at: [7, 'nowhere'], message: 'flows.orders.next: no flow named "nowhere"' },
      {
        code: 'CONFIG_INVALID',
        at: [9, 'other'],
        message: 'flows.enrich.source.flow: flow other does not hand its records on to enrich',
        hint: 'Add `next: enrich` to flow other.',
      },
    ],
  },
  {
    name: 'wrong value type',
    lines: [...HEAD, '    source: { connection: files, type: file.csv, path: 3 }', DEST],
    errors: [
      { code: 'CONFIG_INVALID', at: [6, '3'], message: 'flows.orders.source.path must be a string, not number 3' },
    ],
  },
  {
    name: 'enum typo',
    lines: [
      ...HEAD,
      SOURCE,
      '    destinations: [{ connection: erp, type: sqlite.table, table: t, operation: upsertt }]',
    ],
    errors: [
      {
        code: 'CONFIG_INVALID',
        at: [7, 'upsertt'],
        message: 'flows.orders.destinations[0].operation must be one of "insert", "update", "upsert"',
        hint: 'Did you mean "upsert"?',
      },
    ],
  },
  {
    name: 'undeclared connection',
    lines: [...HEAD, '    source: { connection: filez, type: file.csv, path: a.csv }', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_CONNECTION',
        at: [6, 'filez'],
        message: 'flows.orders.source.connection: connection "filez" is not declared',
        hint: 'Did you mean "files"? Declared connections: erp, files.',
      },
    ],
  },
  {
    name: 'unknown source type',
    lines: [...HEAD, '    source: { connection: files, type: file.cvs, path: a.csv }', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_TYPE',
        at: [6, 'file.cvs'],
        message: 'unknown source type "file.cvs"',
        hint: 'Did you mean "file.csv"? Source types: file.csv, sqlite.query.',
      },
    ],
  },
  {
    name: 'destination type used as a source',
    lines: [...HEAD, '    source: { connection: erp, type: sqlite.table, table: t }', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_TYPE',
        at: [6, 'sqlite.table'],
        message: 'unknown source type',
        hint: 'is a destination type',
      },
    ],
  },
  {
    name: 'unknown connection type',
    lines: [HEAD[0] as string, '  files: { type: fiel, dir: ./data }', ...HEAD.slice(2), SOURCE, DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_TYPE',
        at: [2, 'fiel'],
        message: 'connections.files.type: unknown connection type "fiel"',
        hint: 'Did you mean "file"? Connection types: file, sqlite.',
      },
    ],
  },
  {
    name: 'unknown step type',
    lines: [...HEAD, SOURCE, '    steps:', '      - mapp: { a: b }', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_TYPE',
        at: [8, 'mapp'],
        message: 'flows.orders.steps[0]: unknown step type "mapp"',
        hint: 'Did you mean "map"? Step types: dedupe, filter, map, sqlite.lookup.',
      },
    ],
  },
  {
    name: 'source type of another connector',
    lines: [...HEAD, '    source: { connection: erp, type: file.csv, path: a.csv }', DEST],
    errors: [
      {
        code: 'CONFIG_TYPE_MISMATCH',
        at: [6, 'file.csv'],
        message: '"file.csv" is a file source type, but connection "erp" is a sqlite connection',
        hint: 'Use a sqlite source type (sqlite.query), or a file connection.',
      },
    ],
  },
  {
    name: 'connector step with a connection of another connector',
    lines: [...HEAD, SOURCE, '    steps:', '      - sqlite.lookup: { connection: files, query: q }', DEST],
    errors: [
      {
        code: 'CONFIG_TYPE_MISMATCH',
        at: [8, 'files'],
        message: 'step "sqlite.lookup" needs a sqlite connection',
      },
    ],
  },
  {
    name: 'connector step with an undeclared connection',
    lines: [...HEAD, SOURCE, '    steps:', '      - sqlite.lookup: { connection: nope, query: q }', DEST],
    errors: [{ code: 'CONFIG_UNKNOWN_CONNECTION', at: [8, 'nope'], message: 'connection "nope" is not declared' }],
  },
  {
    name: 'bad cron',
    lines: [...HEAD, '    schedule: "61 * * * *"', SOURCE, DEST],
    errors: [
      {
        code: 'CONFIG_BAD_CRON',
        at: [6, '"61'],
        message: 'flows.orders.schedule: "61 * * * *" is not a valid cron expression (Invalid value for minute: 61)',
        hint: '"*/15 * * * *"',
      },
    ],
  },
  {
    name: 'bad time zone',
    lines: [...HEAD, '    schedule: "0 3 * * *"', '    timezone: Europe/Berlinn', SOURCE, DEST],
    errors: [
      {
        code: 'CONFIG_INVALID',
        at: [7, 'Europe'],
        message: 'unknown time zone "Europe/Berlinn"',
        hint: 'Did you mean "Europe/Berlin"?',
      },
    ],
  },
  {
    name: 'missing environment variable',
    lines: [...HEAD, '    source: { connection: files, type: file.csv, path: "${env:IN_DIR}/a.csv" }', DEST],
    errors: [
      {
        code: 'CONFIG_MISSING_ENV',
        at: [6, '"${env'],
        message: 'flows.orders.source.path: environment variable IN_DIR is not set',
        hint: '${env:IN_DIR:-value}',
      },
    ],
  },
  {
    name: 'missing secret',
    lines: [...HEAD, SOURCE, '    destinations: [{ connection: erp, type: sqlite.table, table: ${secret:TABLE} }]'],
    errors: [
      {
        code: 'CONFIG_MISSING_SECRET',
        at: [7, '${secret'],
        message: 'flows.orders.destinations[0].table: secret TABLE is not set',
        hint: 'SYNCLINE_SECRET_TABLE',
      },
    ],
  },
  {
    name: 'a value with a missing reference is not checked further',
    lines: [...HEAD, "    schedule: '${env:CRON}'", SOURCE, DEST],
    errors: [{ code: 'CONFIG_MISSING_ENV', at: [6, "'"], message: 'flows.orders.schedule: environment variable CRON' }],
  },
  {
    name: 'malformed reference',
    lines: [...HEAD, '    source: { connection: files, type: file.csv, path: ${IN_FILE} }', DEST],
    errors: [
      {
        code: 'CONFIG_BAD_REFERENCE',
        at: [6, '${IN'],
        message: 'malformed reference "${IN_FILE}": say where it comes from: ${env:IN_FILE}',
        hint: '${secret:NAME}',
      },
    ],
  },
  {
    name: 'flow without source',
    lines: [...HEAD, DEST],
    errors: [{ code: 'CONFIG_INVALID', at: [5, 'orders'], message: 'the flow has no source', hint: 'source:' }],
  },
  {
    name: 'flow without destinations',
    lines: [...HEAD, SOURCE],
    errors: [
      { code: 'CONFIG_INVALID', at: [5, 'orders'], message: 'the flow has no destination', hint: 'destinations:' },
    ],
  },
  {
    name: 'flow with an empty destination list',
    lines: [...HEAD, SOURCE, '    destinations: []'],
    errors: [{ code: 'CONFIG_INVALID', at: [7, '[]'], message: 'the flow has no destination' }],
  },
  {
    name: 'two steps with the same name',
    lines: [
      ...HEAD,
      SOURCE,
      '    steps:',
      '      - { name: clean, map: { a: b } }',
      '      - { name: clean, dedupe: {} }',
      DEST,
    ],
    errors: [
      {
        code: 'CONFIG_INVALID',
        at: [9, 'clean'],
        message: 'flows.orders.steps[1].name: step name "clean" is already used by flows.orders.steps[0]',
      },
    ],
  },
  {
    name: 'two step types in one item',
    lines: [...HEAD, SOURCE, '    steps:', '      - map: { a: b }', '        dedupe: {}', DEST],
    errors: [{ code: 'CONFIG_INVALID', at: [8, 'map'], message: 'one list item holds several steps (map, dedupe)' }],
  },
  {
    name: 'step option outside the step',
    lines: [...HEAD, SOURCE, '    steps:', '      - dedupe:', '        key: id', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_KEY',
        at: [9, 'key'],
        message: 'unknown key "key" in flows.orders.steps[0]',
        hint: 'put the dedupe settings under `dedupe:`',
      },
    ],
  },
  {
    name: 'unknown key deep in a step config',
    lines: [...HEAD, SOURCE, '    steps:', '      - filter: { all: [{ field: s, op: ne, value: 1, vlaue: 1 }] }', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_KEY',
        at: [8, 'vlaue'],
        message: 'unknown key "vlaue" in flows.orders.steps[0].filter.all[0]',
        hint: 'Did you mean "value"?',
      },
    ],
  },
  {
    name: 'unknown key inside a union branch',
    lines: [...HEAD, SOURCE, '    steps:', '      - map: { email: { form: e, transform: lowercase } }', DEST],
    errors: [
      {
        code: 'CONFIG_UNKNOWN_KEY',
        at: [8, 'form'],
        message: 'unknown key "form" in flows.orders.steps[0].map.email',
        hint: 'Did you mean "from"? Known keys here: from, transform.',
      },
    ],
  },
  {
    name: 'batch options',
    lines: [
      ...HEAD,
      SOURCE,
      '    destinations: [{ connection: erp, type: sqlite.table, table: t, batch: { size: 0, paralel: true } }]',
    ],
    errors: [
      { code: 'CONFIG_INVALID', at: [7, '0,'], message: 'flows.orders.destinations[0].batch.size: Too small' },
      {
        code: 'CONFIG_UNKNOWN_KEY',
        at: [7, 'paralel'],
        message: 'unknown key "paralel"',
        hint: 'Did you mean "parallel"? Known keys here: maxParallel, parallel, size.',
      },
    ],
  },
  {
    name: 'unknown key of a strict connection schema is reported once',
    lines: [
      HEAD[0] as string,
      HEAD[1] as string,
      '  erp: { type: sqlite, path: ./erp.db, pth: x }',
      ...HEAD.slice(3),
      SOURCE,
      DEST,
    ],
    errors: [
      { code: 'CONFIG_UNKNOWN_KEY', at: [3, 'pth'], message: 'unknown key "pth" in connections.erp', hint: '"path"' },
    ],
  },
  {
    name: 'connection that is not a map',
    lines: [HEAD[0] as string, HEAD[1] as string, '  erp: sqlite', ...HEAD.slice(3), SOURCE, DEST],
    errors: [
      {
        code: 'CONFIG_INVALID',
        at: [3, 'sqlite'],
        message: 'connections.erp must be a map (key: value), not the string "sqlite"',
      },
    ],
  },
  {
    name: 'flows as a list',
    lines: ['flows:', '  - orders'],
    errors: [{ code: 'CONFIG_INVALID', at: [2, '-'], message: 'flows must be a map (key: value), not a list' }],
  },
  {
    name: 'unknown top-level key',
    lines: ['conections: {}', ...HEAD.slice(3), SOURCE, DEST],
    errors: [
      { code: 'CONFIG_UNKNOWN_KEY', at: [1, 'conections'], message: 'unknown key "conections"', hint: '"connections"' },
      { code: 'CONFIG_UNKNOWN_CONNECTION', at: [4, 'files'], message: 'connection "files" is not declared' },
      { code: 'CONFIG_UNKNOWN_CONNECTION', at: [5, 'erp'], message: 'connection "erp" is not declared' },
    ],
  },
  {
    name: 'empty file',
    lines: ['# nothing yet'],
    errors: [{ code: 'CONFIG_INVALID', at: [1, '#'], message: 'the flow file is empty' }],
  },
];

describe('parseProject errors', () => {
  it.each(cases)('$name', ({ lines, env, errors }) => {
    const got = errorsOf(lines, env);
    const expected = errors.map((e) => {
      const [line, text] = e.at;
      const col = (lines[line - 1] ?? '').indexOf(text) + 1;
      return { code: e.code, where: `${FILE}:${line}:${col}` };
    });
    expect(got.map((e) => ({ code: e.code, where: e.where }))).toEqual(expected);
    errors.forEach((e, i) => {
      expect(got[i]?.message).toContain(e.message);
      if (e.hint !== undefined) expect(got[i]?.hint).toContain(e.hint);
      expect(got[i]?.kind).toBe('config');
    });
  });

  it('reports every problem of a file at once, in file order', () => {
    const lines = [
      'connections:',
      '  files: { type: fiel, dir: ./data }',
      '  erp: { type: sqlite, path: ${env:ERP_DB} }',
      'flows:',
      '  orders:',
      '    schedule: "every minute"',
      '    source: { connection: files, type: file.csv, path: a.csv, delimiter: ";;" }',
      '    steps:',
      '      - map: { email: { from: e, transform: lowercse } }',
      '    destinations:',
      '      - { connection: erp, type: sqlite.table, table: t, operation: merge }',
      '  customers:',
      '    source: { connection: shop, type: sqlite.query, sql: select 1 }',
    ];
    const got = errorsOf(lines);
    expect(got.map((e) => `${e.code} ${e.where}`)).toEqual([
      `CONFIG_UNKNOWN_TYPE ${FILE}:2:18`,
      `CONFIG_MISSING_ENV ${FILE}:3:30`,
      `CONFIG_BAD_CRON ${FILE}:6:15`,
      `CONFIG_INVALID ${FILE}:7:74`,
      `CONFIG_INVALID ${FILE}:9:45`,
      `CONFIG_INVALID ${FILE}:11:69`,
      `CONFIG_INVALID ${FILE}:12:3`,
      `CONFIG_UNKNOWN_CONNECTION ${FILE}:13:27`,
    ]);
    const thrown = (() => {
      try {
        parseProject(lines.join('\n'), FILE, fakeCatalog, { env: {} });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(FlowErrors);
    expect((thrown as FlowErrors).message.split('\n')[0]).toBe(
      `[CONFIG_UNKNOWN_TYPE] ${FILE}:2:18: connections.files.type: unknown connection type "fiel"`,
    );
  });

  it('never shows a resolved secret in a message or hint', () => {
    const secret = 's3cr3t-value';
    const lines = [
      ...HEAD,
      '    schedule: ${secret:CRON}',
      '    timezone: "${secret:CRON}/Zone"',
      '    source: { connection: files, type: file.csv, path: a.csv, delimiter: "${secret:CRON}" }',
      DEST,
    ];
    const got = errorsOf(lines, { SYNCLINE_SECRET_CRON: secret });
    expect(got.map((e) => e.code)).toEqual(['CONFIG_BAD_CRON', 'CONFIG_INVALID', 'CONFIG_INVALID']);
    expect(got[0]?.message).toContain('"***" is not a valid cron expression');
    expect(got[1]?.message).toContain('"***/Zone"');
    expect(JSON.stringify(got.map((e) => e.toJSON()))).not.toContain(secret);
  });

  it('stops after a syntax error without reporting follow-up problems', () => {
    const got = errorsOf([...HEAD, '    source: [unclosed', '    schedule: "61 * * * *"', DEST]);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((e) => e.code === 'CONFIG_YAML_SYNTAX')).toBe(true);
    expect(got[0]?.where).toMatch(/^flows\/orders\.yaml:\d+:\d+$/);
  });

  it('errors are FlowErrors of FlowError', () => {
    expect(() => parseProject('flows: {}', FILE, fakeCatalog, { env: {} })).toThrow(FlowErrors);
    const [e] = errorsOf(['flows: {}']);
    expect(e).toBeInstanceOf(FlowError);
    expect(e?.message).toContain('declares no flow');
  });
});
