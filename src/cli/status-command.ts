import type { FlowStatus } from '../app/index.js';
import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';
import { describeStatus } from './run-summary.js';
import { syncCompact } from './sync-counts-text.js';

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '-');

export type { FlowStatus };

/**
 * `syncline status`: every flow's last run and open error records; every sync's last run, next
 * schedule and review queues; every connection's circuit breaker.
 */
export async function statusCommand(options: { db?: string; json?: boolean }): Promise<number> {
  return withApp({ db: options.db, mustExist: true }, {}, async (app) => {
    const { flows, syncs, breakers } = await app.status.report();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ flows, syncs, breakers }, null, 2)}\n`);
      return 0;
    }
    if (flows.length === 0 && syncs.length === 0)
      process.stdout.write('flows: no runs yet (start one with `syncline run <file> [flow]`)\n');
    else if (flows.length > 0) {
      const rows = flows.map((f) => [
        f.flow,
        describeStatus(f.lastRun.status).replace(/ \(.*\)$/, ''),
        f.lastRun.id,
        when(f.lastRun.startedAt),
        f.lastRun.counts.read,
        f.lastRun.counts.written,
        f.openErrors,
        f.watermark ? String(f.watermark.value) : '-',
        f.lastRun.error ? `[${f.lastRun.error.code}] ${f.lastRun.error.message}`.slice(0, 70) : '',
      ]);
      process.stdout.write(
        `flows\n${formatTable(['flow', 'last run', 'run', 'started (UTC)', 'read', 'written', 'open errors', 'watermark', 'note'], rows)}\n`,
      );
    }
    if (syncs.length > 0) {
      const rows = syncs.map((s) => [
        s.sync,
        describeStatus(s.lastRun.status).replace(/ \(.*\)$/, ''),
        s.lastRun.id,
        when(s.lastRun.startedAt),
        when(s.nextRun),
        s.links,
        s.openConflicts,
        s.pendingDeletes,
        s.parkedChanges,
        s.openErrors,
        s.lastRun.error
          ? `[${s.lastRun.error.code}] ${s.lastRun.error.message}`.slice(0, 70)
          : s.lastRun.counts.sync
            ? syncCompact(s.lastRun.counts.sync, s.labels)
            : '',
      ]);
      process.stdout.write(
        `\nsyncs\n${formatTable(['sync', 'last run', 'run', 'started (UTC)', 'next (UTC)', 'links', 'conflicts', 'pending deletes', 'parked', 'open errors', 'last run did'], rows)}\n`,
      );
      const review = syncs.filter((s) => s.openConflicts > 0 || s.pendingDeletes > 0);
      for (const s of review)
        process.stdout.write(
          `  ${s.sync}: ${[
            s.openConflicts > 0 ? `syncline conflicts list ${s.sync}` : '',
            s.pendingDeletes > 0 ? `syncline deletes ${s.sync}` : '',
          ]
            .filter((c) => c !== '')
            .join('; ')}\n`,
        );
    }
    if (breakers.length === 0) process.stdout.write('\ncircuit breakers: none has tripped yet\n');
    else {
      const rows = breakers.map((b) => [b.name, b.state, b.failures, when(b.openedAt), when(b.updatedAt)]);
      process.stdout.write(
        `\ncircuit breakers\n${formatTable(['connection', 'state', 'failures', 'opened (UTC)', 'changed (UTC)'], rows)}\n`,
      );
    }
    return 0;
  });
}
