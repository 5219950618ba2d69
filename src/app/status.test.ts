import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { storeKinds } from '../../test/helpers/test-stores.js';
import { createSyncline } from './create-syncline.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
const kinds = await storeKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.cleanup();
});

describe.each(kinds)('app.status on $name', (kind) => {
  it("shows a delta flow's watermark as the engine reads it (flowState), none for a flow without delta", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-app-status-'));
    cpSync(join(examples, 'delta-sync.yaml'), join(dir, 'delta-sync.yaml'));
    cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
    const { store } = await kind.open();
    const app = createSyncline({ store, catalog: testCatalog, env: {} });
    try {
      expect(await app.status.report()).toEqual({ flows: [], syncs: [], breakers: [] });
      const project = await app.projects.load(join(dir, 'delta-sync.yaml'));
      for (const flow of ['load-contacts', 'contacts-to-books'])
        expect((await app.engine().run(project, flow, { trigger: 'cli' })).status).toBe('succeeded');
      expect(await app.engine().flowState('load-contacts')).toEqual({});
      const state = await app.engine().flowState('contacts-to-books');
      // contact 8's 2026-11-07 18:10 Berlin time, normalised to UTC; the first run was a full sync
      expect(state.watermark).toEqual({ value: '2026-11-07T17:10:00.000Z', fullSyncAt: expect.any(String) });
      const { flows } = await app.status.report();
      expect(flows.map((f) => [f.flow, f.watermark?.value])).toEqual([
        ['contacts-to-books', '2026-11-07T17:10:00.000Z'],
        ['load-contacts', undefined],
      ]);
      expect(flows[0]).toEqual(
        expect.objectContaining({ openErrors: 0, lastRun: expect.objectContaining({ status: 'succeeded' }) }),
      );
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
