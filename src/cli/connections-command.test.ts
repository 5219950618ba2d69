import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionsTest } from './connections-command.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-connections-'));
mkdirSync(join(dir, 'data'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'flows.yaml');
writeFileSync(
  file,
  `connections:
  files: { type: file, dir: data }
  missing: { type: file, dir: no-such-folder }
  lite: { type: sqlite, path: lite.db }
  pg: { type: postgres, url: "postgres://postgres:s3cret-pw@127.0.0.1:5432/syncline_no_such_db" }
  maria: { type: mysql, url: "mysql://root:wr0ng-pw@127.0.0.1:3306/test" }
flows:
  copy:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: lite, type: sqlite.table, table: t }]
`,
);

async function test(name?: string): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const code = await connectionsTest(file, name, { db: join(dir, 'state.db') }, out);
  return { code, text };
}

describe('syncline connections test', () => {
  it('checks every connection, naming each failure and its reason, secrets masked; exit 1', async () => {
    const { code, text } = await test();
    expect(code).toBe(1);
    expect(text).toMatch(/^ok {6}files \(file\)/m);
    expect(text).toMatch(/^ok {6}lite \(sqlite\)/m);
    expect(text).toMatch(
      /^failed {2}missing \(file\) +\[FILE_NOT_FOUND\] connection "missing" \(file\) check failed: folder .*no-such-folder/m,
    );
    expect(text).toMatch(/^failed {2}pg \(postgres\) +\[\w+\] connection "pg" \(postgres\) .*syncline_no_such_db/m);
    expect(text).toMatch(/^failed {2}maria \(mysql\) +\[\w+\] connection "maria" \(mysql\) /m);
    expect(text).toMatch(/2 ok, 3 failed/);
    expect(text).not.toContain('s3cret-pw');
    expect(text).not.toContain('wr0ng-pw');
  });

  it('checks only the named connection; exit 0 when it works', async () => {
    const { code, text } = await test('lite');
    expect(code).toBe(0);
    expect(text).toMatch(/^ok {6}lite \(sqlite\)/m);
    expect(text).toMatch(/1 ok, 0 failed/);
  });

  it('names the declared connections when the one asked for is not declared', async () => {
    await expect(test('nope')).rejects.toThrow(/connection "nope" is not declared/);
  });
});
