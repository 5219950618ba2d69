import { describe, expect, it } from 'vitest';
import type { RunRow } from '../store/state-store.js';
import { runSummary } from './run-summary.js';

describe('runSummary', () => {
  it('says how many records a resumed run found already written (page markers), apart from the written ones', () => {
    const at = new Date('2026-12-07T10:00:00Z');
    const run: RunRow = {
      id: 7,
      flow: 'copy',
      status: 'succeeded',
      trigger: 'cli',
      flowFile: null,
      startedAt: at,
      endedAt: new Date(at.getTime() + 2000),
      heartbeatAt: at,
      host: 'h',
      pid: 1,
      pages: 3,
      counts: {
        read: 1500,
        written: 1300,
        skipped: 0,
        failed: 0,
        alreadyWritten: 200,
        steps: {},
        destinations: { db: { in: 1500, out: 1300, skipped: 0, failed: 0, alreadyWritten: 200 } },
      },
      error: null,
      resumedFrom: 6,
    };
    expect(runSummary(run)).toContain(
      'already written before the previous run was interrupted (page markers found, not written again): 200 records (db 200)',
    );
  });
});
