import { WATERMARK_SOURCE } from '../engine/delta-sync.js';
import { isJsonObject, type Json } from '../sdk/index.js';
import type { BreakerRow, RunRow } from '../store/state-store.js';
import { formatTable } from './format-table.js';
import { openCliStore } from './open-cli-store.js';
import { describeStatus } from './run-summary.js';

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '-');

export interface FlowStatus {
  flow: string;
  lastRun: RunRow;
  openErrors: number;
  /** Delta sync: the watermark (highest cursor handled by completed runs) and the last full sync. */
  watermark?: { value: Json; fullSyncAt: string | null };
}

/** The delta-sync watermark of a flow, as the engine keeps it (src/engine/delta-sync.ts). */
function watermarkOf(state: Json | undefined): FlowStatus['watermark'] {
  if (!isJsonObject(state)) return undefined;
  const since = state.since;
  if (!isJsonObject(since)) return undefined;
  return { value: since.value ?? null, fullSyncAt: typeof state.fullSyncAt === 'string' ? state.fullSyncAt : null };
}

/** `syncline status`: every flow's last run and open error records, and every connection's circuit breaker. */
export async function statusCommand(options: { db?: string; json?: boolean }): Promise<number> {
  const store = await openCliStore({ db: options.db, mustExist: true });
  try {
    const recent = await store.listRuns({ limit: 1000 });
    const latest = new Map<string, RunRow>();
    for (const run of recent) if (!latest.has(run.flow)) latest.set(run.flow, run);
    const flows: FlowStatus[] = [];
    for (const [flow, lastRun] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
      const watermark = watermarkOf(await store.getWatermark(flow, WATERMARK_SOURCE));
      flows.push({
        flow,
        lastRun,
        openErrors: await store.countErrors({ flow, status: 'open' }),
        ...(watermark ? { watermark } : {}),
      });
    }
    const breakers: BreakerRow[] = await store.listBreakers();
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
  } finally {
    await store.close();
  }
}
