import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { sqliteConnector } from '../connectors/sqlite/index.js';
import type { JsonObject } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

/**
 * Page keys survive a failed run: a page the SQL destination committed but the run did not (another
 * destination failed it) is recognized by its marker when the next run reads it again.
 */
const dir = mkdtempSync(join(tmpdir(), 'syncline-page-anchor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (n: number): JsonObject[] => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

function project(file: string): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    retry: { maxAttempts: 1, base: 1, max: 1 },
    source: { connection: 'src', type: 'memory.rows', config: { pageSize: 10 }, where: 'test.yaml:2:1' },
    steps: [],
    destinations: [
      {
        name: 'db',
        connection: 'db',
        type: 'sqlite.table',
        config: { table: 'out', operation: 'insert', createTable: false },
        batch: { size: 10 },
        where: 'test.yaml:3:1',
      },
      {
        name: 'other',
        connection: 'src',
        type: 'memory.table',
        config: { table: 'other' },
        batch: { size: 10 },
        where: 'test.yaml:4:1',
      },
    ],
  };
  return {
    file: join(dir, 'test.yaml'),
    baseDir: dir,
    connections: {
      src: { name: 'src', type: 'memory', config: {}, where: 'x' },
      db: { name: 'db', type: 'sqlite', config: { path: file, readonly: false, pragmas: {} }, where: 'y' },
    },
    flows: { f: flow },
  };
}

describe('page keys across a failed run (page markers)', () => {
  it.each([
    ['after committed pages (resumes from a checkpoint)', 3],
    ['on the first page (no checkpoint: the next run reads from the start)', 1],
  ])('a page written to SQLite but not committed is not inserted again: failure %s', async (_, failAt) => {
    const file = join(dir, `dest-${failAt}.db`);
    const db = new Database(file);
    db.exec('create table out (id integer)');
    const world = memoryWorld(rows(50));
    world.beforeWrite = (_records, call) => {
      if (call === failAt) throw new Error('the other destination broke');
    };
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world), sqliteConnector], steps: [], store });
    const first = await engine.run(project(file), 'f', { trigger: 'cli' });
    expect(first.error?.message).toMatch(/the other destination broke/);
    expect(first.status).toBe('failed');
    expect(first.pages).toBe(failAt - 1);
    // the failed page's batch reached the table with its marker; the run did not commit it
    expect(db.prepare('select count(*) from out').pluck().get()).toBe(failAt * 10);

    world.beforeWrite = undefined;
    const second = await engine.run(project(file), 'f', { trigger: 'cli' });
    expect(second.status).toBe('succeeded');
    expect(db.prepare('select count(*) as rows, count(distinct id) as ids from out').get()).toEqual({
      rows: 50,
      ids: 50,
    });
    // the page read again: the table's batch counted as already written, the other destination writes it
    const again = 50 - (failAt - 1) * 10;
    expect(second.counts.destinations['db']).toMatchObject({ in: again, out: again - 10, alreadyWritten: 10 });
    expect(second.counts.destinations['other']).toMatchObject({ in: again, out: again });
    expect(second.counts).toMatchObject({ written: 2 * again - 10, alreadyWritten: 10 });
    db.close();
    await store.close();
  });
});
