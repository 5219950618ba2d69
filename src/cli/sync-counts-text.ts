import type { RunRow, SyncCounts, SyncSideCounts } from '../app/index.js';
import { formatTable } from './format-table.js';

/** Side labels in output: the sync's `name:` of each side, else `a` and `b`. */
export interface SideLabels {
  readonly a: string;
  readonly b: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What was written to one side, in words: `3 created 2 updated 1 failed` ('' when nothing). */
function written(c: SyncSideCounts): string {
  return [
    c.created ? `${c.created.toLocaleString('en-US')} created` : '',
    c.updated ? `${c.updated.toLocaleString('en-US')} updated` : '',
    c.deleted ? `${c.deleted.toLocaleString('en-US')} deleted` : '',
    c.failed ? `${c.failed.toLocaleString('en-US')} failed` : '',
  ]
    .filter((p) => p !== '')
    .join(' ');
}

/**
 * A sync run's counters in one line, as `runs` and `status` show them:
 * `a→b 3 created 2 updated · b→a 1 updated · 4 echoes · 1 conflict` (`in step` when nothing moved).
 */
export function syncCompact(c: SyncCounts, labels: SideLabels = { a: 'a', b: 'b' }): string {
  const toB = written(c.b);
  const toA = written(c.a);
  const echoes = c.a.echoes + c.b.echoes;
  const conflicts = c.conflictsOpened + c.ambiguous;
  const parts = [
    toB ? `${labels.a}→${labels.b} ${toB}` : '',
    toA ? `${labels.b}→${labels.a} ${toA}` : '',
    echoes ? plural(echoes, 'echo', 'echoes') : '',
    c.matched ? `${c.matched.toLocaleString('en-US')} matched` : '',
    conflicts ? plural(conflicts, 'conflict') : '',
    c.pendingDeletes ? plural(c.pendingDeletes, 'pending delete') : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(' · ') : 'in step (nothing to write)';
}

/** The counters of a sync run for its end-of-run report: a table per side, then the pairs. */
export function syncSummaryLines(c: SyncCounts, labels: SideLabels = { a: 'a', b: 'b' }): string[] {
  const row = (side: 'a' | 'b') => {
    const s = c[side];
    return [`${side} ${labels[side]}`, s.read, s.echoes, s.created, s.updated, s.deleted, s.failed];
  };
  const table = formatTable(
    ['side', 'read', 'echoes', 'created', 'updated', 'deleted', 'failed'],
    [row('a'), row('b')],
  );
  const pairs = [
    `${plural(c.unchanged, 'pair')} unchanged`,
    `${c.matched.toLocaleString('en-US')} matched`,
    `conflicts: ${c.conflictsDecided.toLocaleString('en-US')} decided by the policy, ${c.conflictsOpened.toLocaleString('en-US')} for review`,
    c.ambiguous ? `${plural(c.ambiguous, 'ambiguous match', 'ambiguous matches')} for review` : '',
    c.pendingDeletes ? `${plural(c.pendingDeletes, 'delete')} held for review` : '',
    c.reconciled ? 'reconciled (both sides read in full)' : '',
  ].filter((p) => p !== '');
  return [table, pairs.join(', ')];
}

/** The next steps after a sync run: conflicts and deletes to review, failed writes to look at. */
export function syncNextLines(run: RunRow, c: SyncCounts): string[] {
  const lines: string[] = [];
  if (c.conflictsOpened + c.ambiguous > 0) lines.push(`conflicts wait for review: syncline conflicts list ${run.flow}`);
  if (c.pendingDeletes > 0) lines.push(`deletes wait for review: syncline deletes ${run.flow}`);
  if (c.a.failed + c.b.failed > 0)
    lines.push(
      `${plural(c.a.failed + c.b.failed, 'write')} failed (the changes stay staged and are retried by the next run): syncline errors list --run ${run.id}`,
    );
  return lines;
}
