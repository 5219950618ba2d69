import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { storeKinds } from '../../test/helpers/test-stores.js';
import { createSyncline } from './create-syncline.js';
import type { RetryEvent } from './errors.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
const kinds = await storeKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.cleanup();
});

describe.each(kinds)('app.errors.retry in a pipeline on $name', (kind) => {
  it('hands a retried record of a middle stage on, then runs the stage after it once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-app-pipeline-'));
    cpSync(join(examples, 'pipeline.yaml'), join(dir, 'pipeline.yaml'));
    cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
    const { store } = await kind.open();
    const app = createSyncline({ store, catalog: testCatalog, env: {} });
    try {
      const file = join(dir, 'pipeline.yaml');
      const project = await app.projects.load(file);
      await app.runs(project).requestAndWait({ flow: 'extract-orders', trigger: 'cli' });
      const requested: unknown[] = [];
      app.events.subscribe((e) => {
        if (e.type === 'run.requested') requested.push([e.flow, e.trigger]);
      });
      const { records } = await app.errors.list({ flow: 'enrich-orders', limit: 10 }, { mask: false });
      const [bad] = records;
      if (!bad) throw new Error('expected the order with a negative total in the error store');
      const events: RetryEvent[] = [];
      for await (const event of app.errors.retry({ ids: [bad.id] }, { payload: { ...bad.payload, total: 5 } }))
        events.push(event);
      expect(events.map((e) => e.type)).toEqual([
        'selected',
        'retried',
        'records-done',
        'stage-started',
        'stage-ended',
      ]);
      expect(events[1]).toEqual(
        expect.objectContaining({ outcome: expect.objectContaining({ ok: true, handedOn: ['load-orders'] }) }),
      );
      expect(events[3]).toEqual({ type: 'stage-started', flow: 'load-orders', file });
      const ended = events[4] as Extract<RetryEvent, { type: 'stage-ended' }>;
      expect(ended.runs.map((r) => [r.flow, r.status, r.trigger, r.counts.written])).toEqual([
        ['load-orders', 'succeeded', 'retry', 1],
      ]);
      // the stage ran as a request of the project's runs service, not beside the queue
      expect(requested).toEqual([['load-orders', 'retry']]);
      expect((await app.errors.show(bad.id)).record.status).toBe('retried');
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves a stage of another flow file than the app's runs service runs to its next run (stage-busy)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-app-pipeline-'));
    cpSync(join(examples, 'pipeline.yaml'), join(dir, 'pipeline.yaml'));
    cpSync(join(examples, 'pipeline.yaml'), join(dir, 'other.yaml'));
    cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
    const { store } = await kind.open();
    const first = createSyncline({ store, catalog: testCatalog, env: {} });
    const app = createSyncline({ store, catalog: testCatalog, env: {} });
    try {
      const file = join(dir, 'pipeline.yaml');
      await first.runs(await first.projects.load(file)).requestAndWait({ flow: 'extract-orders', trigger: 'cli' });
      await first.close();
      // this app runs the other file's flows
      app.runs(await app.projects.load(join(dir, 'other.yaml')));
      const { records } = await app.errors.list({ flow: 'enrich-orders', limit: 10 }, { mask: false });
      const [bad] = records;
      if (!bad) throw new Error('expected the order with a negative total in the error store');
      const events: RetryEvent[] = [];
      for await (const event of app.errors.retry({ ids: [bad.id] }, { payload: { ...bad.payload, total: 5 } }))
        events.push(event);
      expect(events.map((e) => e.type)).toEqual(['selected', 'retried', 'records-done', 'stage-started', 'stage-busy']);
      const busy = events[4] as Extract<RetryEvent, { type: 'stage-busy' }>;
      expect([busy.flow, busy.file, busy.error.message]).toEqual([
        'load-orders',
        file,
        `this app runs the flows of ${join(dir, 'other.yaml')}, not of ${file}`,
      ]);
      expect((await app.errors.show(bad.id)).record.status).toBe('retried');
    } finally {
      await first.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
