import { Cron } from 'croner';
import type { SyncDefinition } from '../../config/definition.js';
import { deleteUnit } from './delete-units.js';
import { runUnits } from './run-units.js';
import { asSideMark, type SideMark, sideMarkJson } from './side-mark.js';
import { sidePages } from './side-pages.js';
import { recordKey } from './stage-side.js';
import type { Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';

/**
 * Whether a reconcile pass is due: `deletes.reconcile: true` every run; a cron when one of its ticks
 * fell after the side's last completed pass (or there was none yet).
 */
export function reconcileDue(def: SyncDefinition, mark: SideMark, now: Date): boolean {
  const r = def.deletes.reconcile;
  if (r === undefined || r === false) return false;
  if (r === true || mark.reconciledAt === null) return true;
  const next = new Cron(r, { paused: true, ...(def.timezone ? { timezone: def.timezone } : {}) }).nextRun(
    new Date(mark.reconciledAt),
  );
  return next !== null && next.getTime() <= now.getTime();
}

/**
 * The reconcile pass of one side (docs/sync.md, Deletes): a full read of the side noting every key seen
 * (fenced, in the store, page by page: nothing held in memory), then each link whose key on the side
 * was not seen is a delete on that side, by the delete policy. Runs only after a run without errors;
 * a canceled pass leaves the seen keys to the next pass, which starts over.
 */
export async function reconcileSide(run: SyncRun, side: Side): Promise<void> {
  const { store, def, lease, ctx } = run;
  const open = run.sides[side];
  await store.clearSeen(def.name, side);
  const pages = open.source.read({ config: open.def.source.config, connection: open.connection }, ctx);
  for await (const page of sidePages(def, open, pages, run.clock, ctx.signal)) {
    const rids = page.records.flatMap((r) => {
      const rid = recordKey(r.data[open.def.key]);
      return rid === null ? [] : [rid];
    });
    if (rids.length > 0) await store.addSeen({ lease, sync: def.name, side, rids });
    if (ctx.signal.aborted) return;
  }
  let afterId = 0;
  for (;;) {
    if (ctx.signal.aborted) return;
    const links = await store.unseenLinks(def.name, side, afterId, def.batchSize);
    const last = links.at(-1);
    if (!last) break;
    afterId = last.id;
    // known already (noted, held for review, approved), or a create in flight: not a new delete
    const fresh = links.filter((l) => l.deletedOn !== side && (l.status === 'linked' || l.status === 'error'));
    await runUnits(
      run,
      fresh.map((l) => deleteUnit(run, l, side, [])),
    );
    run.progress();
  }
  await store.clearSeen(def.name, side);
  const mark = asSideMark(await store.getWatermark(def.name, side));
  await store.stage({
    lease,
    sync: def.name,
    side,
    changes: [],
    watermark: sideMarkJson({ ...mark, reconciledAt: run.clock.now().toISOString() }),
    at: run.clock.now(),
  });
}
