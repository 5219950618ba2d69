import { describe, expect, it } from 'vitest';
import type { RunRow, SyncCounts } from '../app/index.js';
import { runSummary } from './run-summary.js';
import { syncCompact, syncSummaryLines } from './sync-counts-text.js';

const side = (o: Partial<SyncCounts['a']> = {}) => ({
  read: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  echoes: 0,
  failed: 0,
  ...o,
});

const counts = (o: Partial<SyncCounts> = {}): SyncCounts => ({
  a: side(),
  b: side(),
  unchanged: 0,
  matched: 0,
  conflictsDecided: 0,
  conflictsOpened: 0,
  ambiguous: 0,
  pendingDeletes: 0,
  ...o,
});

function syncRun(sync: SyncCounts): RunRow {
  const at = new Date('2026-12-07T10:00:00Z');
  return {
    id: 12,
    flow: 'customers',
    status: 'completed_with_errors',
    trigger: 'cli',
    flowFile: '/x/sync.yaml',
    startedAt: at,
    endedAt: new Date(at.getTime() + 2000),
    heartbeatAt: at,
    host: 'h',
    pid: 1,
    pages: 0,
    counts: { read: 9, written: 6, skipped: 0, failed: 1, steps: {}, destinations: {}, sync },
    error: null,
    resumedFrom: null,
  };
}

describe('a sync run in words', () => {
  it('compact: what went each way, echoes, conflicts, pending deletes; nothing moved says so', () => {
    const c = counts({
      a: side({ read: 4, updated: 1, echoes: 3 }),
      b: side({ read: 5, created: 3, updated: 2, echoes: 1 }),
      conflictsOpened: 1,
    });
    expect(syncCompact(c)).toBe('a→b 3 created 2 updated · b→a 1 updated · 4 echoes · 1 conflict');
    expect(syncCompact(c, { a: 'crm', b: 'erp' })).toBe(
      'crm→erp 3 created 2 updated · erp→crm 1 updated · 4 echoes · 1 conflict',
    );
    expect(syncCompact(counts({ a: side({ failed: 2 }), ambiguous: 2, pendingDeletes: 1, matched: 7 }))).toBe(
      'b→a 2 failed · 7 matched · 2 conflicts · 1 pending delete',
    );
    expect(syncCompact(counts({ a: side({ read: 3, echoes: 1 }) }))).toBe('1 echo');
    expect(syncCompact(counts())).toBe('in step (nothing to write)');
  });

  it('the run summary: a table per side, the pairs, and the review queues to look at next', () => {
    const c = counts({
      a: side({ read: 4, updated: 1, echoes: 3 }),
      b: side({ read: 5, created: 3, updated: 2, echoes: 1, failed: 1 }),
      unchanged: 2,
      matched: 1,
      conflictsDecided: 2,
      conflictsOpened: 1,
      pendingDeletes: 1,
    });
    const [table, pairs] = syncSummaryLines(c, { a: 'crm', b: 'erp' });
    expect(table).toMatch(/^side\s+read\s+echoes\s+created\s+updated\s+deleted\s+failed/);
    expect(table).toMatch(/a crm\s+4\s+3\s+0\s+1\s+0\s+0/);
    expect(table).toMatch(/b erp\s+5\s+1\s+3\s+2\s+0\s+1/);
    expect(pairs).toBe(
      '2 pairs unchanged, 1 matched, conflicts: 2 decided by the policy, 1 for review, 1 delete held for review',
    );
    const text = runSummary(syncRun(c), { a: 'crm', b: 'erp' });
    expect(text).toContain('run 12 of sync "customers": completed with errors in 2.00s');
    expect(text).not.toMatch(/\bstage\b|destination/);
    expect(text).toContain('conflicts wait for review: syncline conflicts list customers');
    expect(text).toContain('deletes wait for review: syncline deletes customers');
    expect(text).toContain(
      '1 write failed (the changes stay staged and are retried by the next run): syncline errors list --run 12',
    );
  });
});
