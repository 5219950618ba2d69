import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { storeKinds } from '../../test/helpers/test-stores.js';
import { createSyncline } from './create-syncline.js';

const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: crm.db }
flows:
  a:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: crm, type: sqlite.table, table: a, operation: insert, createTable: true }]
  b:
    source: { connection: files, type: file.csv, path: a.csv }
    destinations: [{ connection: crm, type: sqlite.table, table: b, operation: insert, createTable: true }]
`;

const kinds = await storeKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.cleanup();
});

describe.each(kinds)('app.runHistory, app.returnedIds, app.connections on $name', (kind) => {
  it('lists runs newest first (one flow or all, up to a limit), shows one, and the ids a run got back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-app-runs-'));
    writeFileSync(join(dir, 'flow.yaml'), flow);
    writeFileSync(join(dir, 'a.csv'), 'id,name\n1,x\n2,y\n');
    const { store } = await kind.open();
    const app = createSyncline({ store, catalog: testCatalog, env: {} });
    try {
      expect(await app.runHistory.list({ limit: 10 })).toEqual([]);
      const project = await app.projects.load(join(dir, 'flow.yaml'));
      const first = await app.engine().run(project, 'a', { trigger: 'cli' });
      const second = await app.engine().run(project, 'b', { trigger: 'cli' });
      const third = await app.engine().run(project, 'a', { trigger: 'cli' });
      expect((await app.runHistory.list({ limit: 10 })).map((r) => r.id)).toEqual([third.id, second.id, first.id]);
      expect((await app.runHistory.list({ flow: 'a', limit: 10 })).map((r) => r.id)).toEqual([third.id, first.id]);
      expect(await app.runHistory.list({ limit: 1 })).toHaveLength(1);
      expect(await app.runHistory.show(second.id)).toEqual(
        expect.objectContaining({ flow: 'b', status: 'succeeded', counts: expect.objectContaining({ written: 2 }) }),
      );
      expect(await app.runHistory.show(9999)).toBeUndefined();
      // a sqlite table returns no ids
      expect(await app.returnedIds.ofRun(first.id, { limit: 10 })).toEqual({
        run: expect.objectContaining({ id: first.id }),
        ids: [],
      });
      expect(await app.returnedIds.ofRun(9999, { limit: 10 })).toBeUndefined();
      const checks = await app.connections.check(join(dir, 'flow.yaml'));
      expect(checks.map((c) => [c.name, c.error])).toEqual([
        ['files', undefined],
        ['crm', undefined],
      ]);
      await expect(app.connections.check(join(dir, 'flow.yaml'), 'erp')).rejects.toThrow(
        /connection "erp" is not declared in .*flow\.yaml/,
      );
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
