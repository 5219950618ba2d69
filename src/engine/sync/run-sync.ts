import type { ProjectDefinition, SyncDefinition } from '../../config/definition.js';
import { FlowError, toFlowError } from '../../sdk/index.js';
import type { RunRow, RunStatus } from '../../store/state-store.js';
import { endRun } from '../end-run.js';
import { flowMessageMask } from '../message-mask.js';
import type { RunDeps, RunOptions } from '../run-flow.js';
import { failsRun } from '../run-watch.js';
import { startRun } from '../start-run.js';
import { applyApprovedDeletes, applyIntents, applyResolved } from './apply-passes.js';
import { applyStaged } from './apply-staged.js';
import { applyResolvedMatches } from './match-resolutions.js';
import { countAmbiguous } from './match-units.js';
import { reconcileDue, reconcileSide } from './reconcile.js';
import { asSideMark } from './side-mark.js';
import { stageSide } from './stage-side.js';
import { cloneSyncCounts, emptySyncRunCounts, totalSyncCounts } from './sync-counts.js';
import { keyOf, loadConflictLinks } from './sync-links.js';
import { syncPlanner } from './sync-planner.js';
import type { SyncRun } from './sync-run-context.js';
import { type OpenSide, openSide } from './sync-side.js';

/**
 * Runs one sync (docs/sync.md) as a run like any other — the sync's lease, a runs row, run events,
 * heartbeat, `timeouts.run`, cancel, the error store — in these phases, each batched and committed as
 * it goes, so that a crash or a cancel at any point leaves a state the next run goes on from:
 * 1. stage each side's changes since its watermark (the watermark moves with the side's last page);
 * 2. check the match rule is unique enough (SYNC_MATCH_NOT_UNIQUE, before any write);
 * 3. settle create intents a crash left, approved deletes, resolved field and match conflicts;
 * 4. apply the staged changes in staging order (pairs, matches, creates, deletes);
 * 5. after a run without errors, the reconcile pass when due.
 */
export async function runSync(
  deps: RunDeps,
  project: ProjectDefinition,
  def: SyncDefinition,
  options: RunOptions,
): Promise<RunRow> {
  const { store, clock } = deps;
  const mask = flowMessageMask(project, def);
  const job = { kind: 'sync' as const, name: def.name, ...(def.timeouts ? { timeouts: def.timeouts } : {}) };
  const { claimed, started, watch, ctx } = await startRun(deps, project, job, options);
  const { run, lease } = claimed;
  const { signal } = watch;
  const counts = emptySyncRunCounts();
  const progress = () => {
    totalSyncCounts(counts);
    const at = clock.now();
    deps.events.publish({
      type: 'run.progress',
      flow: def.name,
      at,
      runId: run.id,
      pages: 0,
      counts: cloneSyncCounts(counts),
      elapsedMs: at.getTime() - started.getTime(),
      resumedFrom: run.resumedFrom,
    });
  };
  let status: RunStatus = 'running';
  let runError: FlowError | undefined;
  const sides: OpenSide[] = [];
  try {
    const a = await openSide(deps, project, def, def.a, ctx);
    sides.push(a);
    const b = await openSide(deps, project, def, def.b, ctx);
    sides.push(b);
    const sync: SyncRun = {
      def,
      compiled: syncPlanner.compile(def),
      planner: syncPlanner,
      store: store.sync,
      lease,
      runId: run.id,
      ctx,
      clock,
      mask,
      counts,
      sides: { a, b },
      conflictLinks: new Set(),
      progress,
      failures: 0,
    };
    await phases(sync, { full: options.full === true, started });
    if (signal.aborted) {
      status = failsRun(signal.reason) ? 'failed' : 'canceled';
      runError = signal.reason instanceof FlowError ? signal.reason : new FlowError('CANCELED', 'canceled');
    } else {
      for (const side of sides.splice(0)) await side.open.close('ok');
      status = sync.failures > 0 ? 'completed_with_errors' : 'succeeded';
    }
  } catch (error) {
    runError = toFlowError(error, `sync ${def.name}`);
    if (signal.aborted && signal.reason instanceof FlowError) runError = signal.reason;
    status = signal.aborted && !failsRun(signal.reason) ? 'canceled' : runError.code === 'PAUSED' ? 'paused' : 'failed';
  } finally {
    watch.stop();
    for (const side of sides) await side.open.close('abort').catch(() => undefined);
  }
  totalSyncCounts(counts);
  const ended = { name: def.name, continuous: false, upstream: false };
  return endRun(deps, { run, lease, job: ended, status, error: runError, counts, pages: 0, started, mask });
}

/** The phases of a sync run, each stopping early on a cancel (between batches: everything committed is consistent). */
async function phases(sync: SyncRun, o: { full: boolean; started: Date }): Promise<void> {
  const { def, ctx } = sync;
  const aborted = () => ctx.signal.aborted;
  await loadConflictLinks(sync);
  await stageSide(sync, 'a', o);
  if (aborted()) return;
  await stageSide(sync, 'b', o);
  if (aborted()) return;
  if (def.match) {
    const ambiguous = await countAmbiguous(sync, keyOf);
    if (ambiguous.count > def.match.maxAmbiguous) {
      throw new FlowError(
        'SYNC_MATCH_NOT_UNIQUE',
        `sync ${def.name}: ${ambiguous.count} records have more than one candidate under the match rule (${def.match.fields.join(', ')}), more than match.maxAmbiguous (${def.match.maxAmbiguous}); nothing was written (e.g. ${ambiguous.examples.join(', ')})`,
        { where: def.where },
      );
    }
  }
  await applyIntents(sync);
  if (aborted()) return;
  await applyApprovedDeletes(sync);
  if (aborted()) return;
  await applyResolved(sync);
  if (aborted()) return;
  await applyResolvedMatches(sync);
  if (aborted()) return;
  await applyStaged(sync);
  if (aborted() || sync.failures > 0) return;
  for (const side of ['a', 'b'] as const) {
    const mark = asSideMark(await sync.store.getWatermark(def.name, side));
    if (!reconcileDue(def, mark, sync.clock.now())) continue;
    await reconcileSide(sync, side);
    sync.counts.sync.reconciled = true;
    if (aborted()) return;
  }
}
