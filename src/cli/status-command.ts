import type { FlowStatus } from '../app/index.js';
import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';
import { describeStatus } from './run-summary.js';

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '-');

export type { FlowStatus };

/** `syncline status`: every flow's last run and open error records, and every connection's circuit breaker. */
export async function statusCommand(options: { db?: string; json?: boolean }): Promise<number> {
  return withApp({ db: options.db, mustExist: true }, {}, async (app) => {
    const { flows, breakers } = await app.status.report();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ flows, breakers }, null, 2)}\n`);
      return 0;
    }
    if (flows.length === 0) process.stdout.write('flows: no runs yet (start one with `syncline run <file> [flow]`)\n');
    else {
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
