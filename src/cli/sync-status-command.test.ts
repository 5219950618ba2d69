import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { type Seeded, seedSyncReview } from '../../test/helpers/sync-review.js';
import { runsCommand } from './runs-command.js';
import { statusCommand } from './status-command.js';

let s: Seeded;
beforeEach(async () => {
  s = await seedSyncReview();
});
afterEach(() => s.cleanup());

describe('status and runs with a sync', () => {
  it('status lists the sync beside flows: last run, next schedule, links and review queues, what it did', async () => {
    const out = (await captured(() => statusCommand({ db: s.db }))).stdout;
    expect(out).not.toContain('flows: no runs yet');
    expect(out).toMatch(
      /sync\s+last run\s+run\s+started \(UTC\)\s+next \(UTC\)\s+links\s+conflicts\s+pending deletes\s+parked\s+open errors\s+last run did/,
    );
    expect(out).toMatch(
      /customers\s+succeeded\s+1\s+2026-12-01 10:00:00\s+\d{4}-\d\d-\d\d \d\d:00:00\s+4\s+3\s+1\s+0\s+0\s+crm→erp 2 created · erp→crm 1 updated · 1 echo · 1 matched · 3 conflicts · 1 pending delete/,
    );
    expect(out).toContain('customers: syncline conflicts list customers; syncline deletes customers');
    const json = JSON.parse((await captured(() => statusCommand({ db: s.db, json: true }))).stdout);
    expect(json.flows).toEqual([]);
    expect(json.syncs[0]).toEqual(expect.objectContaining({ sync: 'customers', openConflicts: 3, pendingDeletes: 1 }));
  });

  it('runs shows a sync run in the compact form', async () => {
    const out = (await captured(() => runsCommand(undefined, { db: s.db, limit: 5 }))).stdout;
    expect(out).toContain('sync: a→b 2 created · b→a 1 updated · 1 echo · 1 matched · 3 conflicts · 1 pending delete');
  });
});
