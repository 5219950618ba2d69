import { applyBatch } from './apply-batch.js';
import type { SyncRun } from './sync-run-context.js';

/**
 * Walks the staging queue in staging order, a batch (`batchSize`) at a time, applying and committing
 * each before reading the next: memory holds one batch, whatever the size of the sides. A cancel stops
 * between batches. Changes that fail stay staged behind the walk (retried by the next run).
 */
export async function applyStaged(run: SyncRun): Promise<void> {
  let after = 0;
  for (;;) {
    if (run.ctx.signal.aborted) return;
    const rows = await run.store.nextStaged(run.def.name, after, run.def.batchSize);
    const last = rows.at(-1);
    if (!last) return;
    after = last.seq;
    await applyBatch(run, rows);
    run.progress();
  }
}
