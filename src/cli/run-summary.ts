import type { RunRow } from '../app/index.js';
import { hintLines } from './action-command.js';
import { formatTable } from './format-table.js';
import { type SideLabels, syncNextLines, syncSummaryLines } from './sync-counts-text.js';

const statusWord: Record<string, string> = {
  running: 'running',
  succeeded: 'succeeded',
  completed_with_errors: 'completed with errors',
  failed: 'failed',
  canceled: 'canceled',
  paused: 'paused (a circuit is open; run again to resume)',
  skipped: 'skipped (a run of the flow was still active)',
};

export function describeStatus(status: string): string {
  return statusWord[status] ?? status;
}

/** The destinations where records failed, for one-line notes: `crm 120 failed, archive 3 failed` ('' when none). */
export function destinationFailures(run: RunRow): string {
  return Object.entries(run.counts.destinations)
    .filter(([, c]) => c.failed > 0)
    .map(([name, c]) => `${name} ${c.failed} failed`)
    .join(', ');
}

/**
 * The end-of-run report: status, counts per stage, timing and where to look next. A sync run shows
 * its counters per side (`labels`: the sides' names) instead of stages.
 */
export function runSummary(run: RunRow, labels?: SideLabels): string {
  const seconds = run.endedAt ? (run.endedAt.getTime() - run.startedAt.getTime()) / 1000 : 0;
  const perSec = seconds > 0 ? Math.round(run.counts.read / seconds) : run.counts.read;
  const sync = run.counts.sync;
  const head = `run ${run.id} of ${sync ? 'sync' : 'flow'} "${run.flow}": ${describeStatus(run.status)} in ${seconds.toFixed(2)}s (${perSec.toLocaleString('en-US')} records/s${sync ? '' : `, ${run.pages} pages`})${run.resumedFrom ? `, resumed from the checkpoint of run ${run.resumedFrom}` : ''}`;
  if (sync) {
    const lines = [head, ...syncSummaryLines(sync, labels)];
    if (run.error) lines.push(`error [${run.error.code}]: ${run.error.message}`, ...hintLines(run.error));
    lines.push(...syncNextLines(run, sync));
    return lines.join('\n');
  }
  const steps = Object.values(run.counts.steps);
  const entered = steps[0]?.in ?? Object.values(run.counts.destinations)[0]?.in ?? run.counts.read;
  const time = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(2)}s`);
  const rows: (string | number)[][] = [['source', run.counts.read, entered, 0, run.counts.read - entered, '']];
  for (const [name, c] of Object.entries(run.counts.steps))
    rows.push([`step ${name}`, c.in, c.out, c.skipped, c.failed, time(c.ms)]);
  for (const [name, c] of Object.entries(run.counts.destinations))
    rows.push([`destination ${name}`, c.in, c.out, c.skipped, c.failed, time(c.ms)]);
  const table = formatTable(['stage', 'in', 'out', 'skipped', 'failed', 'time'], rows);
  const lines = [
    head,
    table,
    `totals: read ${run.counts.read}, written ${run.counts.written}, skipped ${run.counts.skipped}, failed ${run.counts.failed}`,
  ];
  if (run.counts.alreadyWritten) {
    const at = Object.entries(run.counts.destinations)
      .filter(([, c]) => c.alreadyWritten)
      .map(([name, c]) => `${name} ${c.alreadyWritten}`)
      .join(', ');
    lines.push(
      `already written before the previous run was interrupted (page markers found, not written again): ${run.counts.alreadyWritten} records (${at})`,
    );
  }
  if (run.counts.handedOn !== undefined) lines.push(`handed on to the next stage: ${run.counts.handedOn} records`);
  if (run.counts.delta) {
    const d = run.counts.delta;
    lines.push(
      `delta sync: ${d.reason}${d.unchanged ? `; ${d.unchanged} records not newer than the watermark skipped` : ''}`,
    );
  }
  for (const [name, c] of Object.entries(run.counts.steps)) {
    if (c.stats && Object.keys(c.stats).length > 0)
      lines.push(
        `step ${name}: ${Object.entries(c.stats)
          .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
          .join(', ')}`,
      );
  }
  for (const [name, c] of Object.entries(run.counts.destinations)) {
    if (c.ids)
      lines.push(
        `destination ${name}: returned ids for ${c.ids} of ${c.out} written records; list them: syncline ids ${run.id} --destination ${name}`,
      );
  }
  if (run.error) lines.push(`error [${run.error.code}]: ${run.error.message}`, ...hintLines(run.error));
  // hub-and-spoke: which destination failed which records, and how to retry them there only
  for (const [name, c] of Object.entries(run.counts.destinations)) {
    if (c.failed > 0)
      lines.push(
        `destination ${name}: ${c.failed} of ${c.in} records failed; list them: syncline errors list --run ${run.id} --destination ${name}; retry them there only: syncline errors retry --all --run ${run.id} --destination ${name}`,
      );
  }
  if (run.counts.failed > 0) lines.push(`failed records are in the error store: syncline errors list --run ${run.id}`);
  return lines.join('\n');
}
