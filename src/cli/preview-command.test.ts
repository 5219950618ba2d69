import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { previewCommand } from './preview-command.js';
import { describeError } from './print-error.js';
import { validateCommand } from './validate-command.js';

/** `syncline preview` and `validate` as adapters over app, in process (formerly spawned in test/e2e/cli). */
const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: crm.db }
flows:
  customers:
    source:
      connection: files
      type: file.csv
      path: customers.csv
      columns: { id: integer }
    steps:
      - filter: { field: tier, op: ne, value: retired }
      - map:
          customer_id: { from: id }
          email: { from: email, transform: [trim, lowercase], onMissing: error }
          name: { template: "{{first}} {{last}}" }
    destinations:
      - { connection: crm, type: sqlite.table, table: customers, operation: upsert, key: [customer_id], createTable: true }
`;

const dir = mkdtempSync(join(tmpdir(), 'syncline-cli-preview-'));
const db = join(dir, 'state.db');
writeFileSync(join(dir, 'flow.yaml'), flow);
writeFileSync(
  join(dir, 'customers.csv'),
  `id,email,first,last,tier
1, Ada@Example.com ,Ada,Lovelace,gold
2,grace@example.com,Grace,Hopper,silver
3,,Linus,Torvalds,bronze
4,ken@example.com,Ken,Thompson,retired
5,"broken@example.com,Dennis,Ritchie,gold
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('syncline preview and validate, in process', () => {
  it('preview: shows input beside output, dropped and failed records, writes nothing', async () => {
    const r = await captured(() => previewCommand(join(dir, 'flow.yaml'), 'customers', { db, limit: 5 }));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ada@example.com');
    expect(r.stdout).toContain('dropped by step filter');
    expect(r.stdout).toContain('RECORD_MISSING_FIELD');
    expect(r.stdout).toContain('RECORD_MALFORMED');
    expect(r.stdout).toContain('nothing was written');
    expect(existsSync(join(dir, 'crm.db'))).toBe(false);
    const json = JSON.parse(
      (await captured(() => previewCommand(join(dir, 'flow.yaml'), 'customers', { db, limit: 2, json: true }))).stdout,
    ) as { rows: unknown[] };
    expect(json.rows).toHaveLength(2);
  });

  it('validate: summarises a valid file', async () => {
    const r = await captured(() => validateCommand(join(dir, 'flow.yaml'), db));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('customers: file.csv → filter → map → crm (sqlite.table)');
  });

  it('validate: reports every problem with file:line:col', async () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      flow.replace('type: file.csv', 'type: file.cvs').replace('connection: crm', 'connection: crn'),
    );
    const stderr = await validateCommand(join(dir, 'bad.yaml'), db).then(
      () => '',
      (error: unknown) => describeError(error),
    );
    expect(stderr).toMatch(/bad\.yaml:8:\d+/);
    expect(stderr).toContain('CONFIG_UNKNOWN_TYPE');
    expect(stderr).toContain('CONFIG_UNKNOWN_CONNECTION');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
