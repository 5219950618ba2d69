import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FlowErrors } from '../sdk/index.js';
import { validateCommand } from './validate-command.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-validate-'));
mkdirSync(join(dir, 'data'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'flows.yaml');
writeFileSync(
  file,
  `connections:
  files: { type: file, dir: data }
  erp: { type: postgres, url: "postgres://postgres:s3cret-pw@127.0.0.1:5432/syncline_no_such_db" }
  unused: { type: mysql, url: "mysql://root:wr0ng-pw@127.0.0.1:3306/test" }
flows:
  orders:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: erp, type: postgres.table, table: orders }]
`,
);

describe('syncline validate --connect', () => {
  it('passes without --connect: nothing is opened', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await validateCommand(file, join(dir, 'state.db'))).toBe(0);
    } finally {
      write.mockRestore();
    }
  });

  it('opens and checks each connection a flow uses, naming the connection and the flows; secrets masked', async () => {
    const error = await validateCommand(file, join(dir, 'state.db'), { connect: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowErrors);
    const problems = (error as FlowErrors).errors;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.where).toBe(`${file}:3:3`);
    expect(problems[0]?.message).toMatch(
      /^connection "erp" \(postgres\) (cannot be opened|check failed): .*syncline_no_such_db.* \(used by flow orders\)$/,
    );
    expect(problems[0]?.message).not.toContain('s3cret-pw');
  });
});
