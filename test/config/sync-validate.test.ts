import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.js';
import { FlowErrors } from '../../src/sdk/index.js';

/** `syncline validate` on a sync of two real SQLite databases: the loader, the map compile and --connect. */
const dir = mkdtempSync(join(tmpdir(), 'syncline-sync-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function database(name: string, sql: string): void {
  const db = new Database(join(dir, name));
  db.exec(sql);
  db.close();
}
database('crm.db', 'CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, full_name TEXT, updated_at TEXT)');
database(
  'erp.db',
  'CREATE TABLE clients (client_no INTEGER PRIMARY KEY, email_address TEXT, name TEXT, modified TEXT)',
);

function flowFile(name: string, fields: string, crm = 'crm.db'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `connections:
  crm: { type: sqlite, path: ${crm} }
  erp: { type: sqlite, path: erp.db }
syncs:
  customers:
    schedule: "*/10 * * * *"
    a: { connection: crm, table: customers, key: id, cursor: updated_at }
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
${fields}    match: [email]
`,
  );
  return file;
}

async function validate(file: string, connect: boolean): Promise<{ out: string; errors: FlowErrors | undefined }> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  try {
    await validateCommand(file, join(dir, 'state.db'), { connect });
    return { out, errors: undefined };
  } catch (error) {
    if (error instanceof FlowErrors) return { out, errors: error };
    throw error;
  } finally {
    write.mockRestore();
  }
}

describe('syncline validate on a sync of two SQLite tables', () => {
  it('accepts a sync whose columns all exist, and lists it', async () => {
    const file = flowFile('good.yaml', '      email: { b: email_address }\n      name: { a: full_name }\n');
    const { out, errors } = await validate(file, true);
    expect(errors?.errors).toBeUndefined();
    expect(out).toContain('valid — 2 connections (each one used opened and checked), 0 flows, 1 syncs');
    expect(out).toContain(
      'customers (sync): crm customers (sqlite.table) ⇄ erp clients (sqlite.table), 2 fields, match email',
    );
  });

  it('with --connect names the field the two sides call differently, with the column it likely is', async () => {
    const file = flowFile('bad.yaml', '      email: {}\n      name: { a: full_name }\n');
    expect((await validate(file, false)).errors).toBeUndefined();
    const { errors } = await validate(file, true);
    expect(errors?.errors.map((e) => [e.code, e.where, e.message, e.hint])).toEqual([
      [
        'CONFIG_SYNC_FIELD',
        `${file}:10:7`,
        "syncs.customers.b (erp): fields.email.b names email (the sync field's own name), but clients has no column email",
        'Did you mean "email_address"? The sides name the field differently: give side b\'s column with `b: <column>`.',
      ],
    ]);
  });

  it('with --connect opens each connection a sync uses, naming the sync', async () => {
    const file = flowFile('gone.yaml', '      email: { b: email_address }\n', 'no-such-dir/crm.db');
    const { errors } = await validate(file, true);
    expect(errors?.errors).toHaveLength(1);
    expect(errors?.errors[0]?.message).toMatch(/^connection "crm" \(sqlite\) .* \(used by sync customers\)$/);
  });
});
