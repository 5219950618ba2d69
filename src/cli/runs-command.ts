import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';
import { describeStatus, destinationFailures } from './run-summary.js';
import { syncCompact } from './sync-counts-text.js';

/** `syncline runs [flow]`: the latest runs, newest first. */
export async function runsCommand(
  flow: string | undefined,
  options: { db?: string; limit: number; json?: boolean },
): Promise<number> {
  return withApp({ db: options.db, mustExist: true }, {}, async (app) => {
    const runs = await app.runHistory.list({ flow, limit: options.limit });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write(
        flow ? `no runs of flow "${flow}" yet\n` : 'no runs yet: start one with `syncline run <file> [flow]`\n',
      );
      return 0;
    }
    const rows = runs.map((r) => [
      r.id,
      r.flow,
      describeStatus(r.status),
      r.startedAt.toISOString().replace('T', ' ').slice(0, 19),
      r.endedAt ? `${((r.endedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1)}s` : '-',
      r.counts.read,
      r.counts.written,
      r.counts.skipped,
      r.counts.failed,
      [
        // a sync run: what it wrote each way, echoes and conflicts, in one line
        r.counts.sync ? `sync: ${syncCompact(r.counts.sync)}` : '',
        r.error ? `[${r.error.code}] ${r.error.message}` : r.resumedFrom ? `resumed run ${r.resumedFrom}` : '',
        destinationFailures(r) && `destinations: ${destinationFailures(r)}`,
      ]
        .filter((note) => note !== '')
        .join('; ')
        .slice(0, r.counts.sync ? 160 : 80),
    ]);
    process.stdout.write(
      `${formatTable(['run', 'flow', 'status', 'started (UTC)', 'took', 'read', 'written', 'skipped', 'failed', 'note'], rows)}\n`,
    );
    return 0;
  });
}
