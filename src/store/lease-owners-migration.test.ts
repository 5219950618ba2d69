import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_LEASE_MS } from '../sdk/index.js';
import { migrationProvider } from './migrations.js';
import { openSqlite } from './open-sqlite.js';
import { openStore } from './open-store.js';
import type { RunStatus } from './state-store.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-lease-owners-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = new Date('2026-03-01T10:00:00.000Z');
const run = (id: number, flow: string, status: RunStatus) => ({
  id,
  flow,
  status,
  trigger: 'cli',
  flow_file: null,
  started_at: T.toISOString(),
  ended_at: null,
  heartbeat_at: T.toISOString(),
  host: 'box',
  pid: 100 + id,
  pages: 0,
  counts: '{}',
  error: null,
  resumed_from: null,
});

describe('migration 0011_lease_owners', () => {
  it('gives the lease of a running run its host and pid as owner, a lease to a running run from before leases, and releases the rest', async () => {
    const path = join(dir, 'old.db');
    const db = openSqlite(path);
    const { error } = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateTo('0010_record_ids');
    if (error) throw error;
    await db
      .insertInto('runs')
      .values([run(1, 'held', 'running'), run(2, 'legacy', 'running'), run(3, 'ended', 'succeeded')])
      .execute();
    await db
      .insertInto('leases')
      .values([
        { flow: 'held', run_id: 1, token: 4, expires_at: new Date(T.getTime() + 5000).toISOString() },
        { flow: 'ended', run_id: 3, token: 2, expires_at: T.toISOString() },
      ] as never) // the table as of 0010: no owner column yet
      .execute();
    await db.destroy();
    const store = await openStore(path);
    try {
      expect(await store.getLease('held')).toEqual({
        owner: 'box:101:',
        runId: 1,
        token: 4,
        expiresAt: new Date(T.getTime() + 5000),
      });
      expect(await store.getLease('legacy')).toEqual({
        owner: 'box:102:',
        runId: 2,
        token: 1,
        expiresAt: new Date(T.getTime() + RUN_LEASE_MS),
      });
      expect(await store.getLease('ended')).toEqual({ owner: null, runId: 3, token: 2, expiresAt: T });
      // the lease is the authority from now on: the legacy run's flow is held until its window ends
      await expect(
        store.claimLease('legacy', 'box:9:new', new Date(T.getTime() + 70_000), { at: T }),
      ).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    } finally {
      await store.close();
    }
  });
});
