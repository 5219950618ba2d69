import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';

/**
 * `syncline ids <run>`: the ids destinations returned for the records a run wrote (source record →
 * id in the destination), in page order; `--destination` and `--record` narrow them.
 */
export async function idsCommand(
  run: number,
  options: { db?: string; destination?: string; record?: string; limit: number; json?: boolean },
): Promise<number> {
  return withApp({ db: options.db, here: true }, {}, async (app) => {
    const returned = await app.returnedIds.ofRun(run, options);
    if (!returned) {
      process.stderr.write(`no run ${run}: list runs with \`syncline runs\`\n`);
      return 1;
    }
    const { run: found, ids } = returned;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(ids, null, 2)}\n`);
      return 0;
    }
    if (ids.length === 0) {
      const returned = Object.entries(found.counts.destinations).filter(([, c]) => c.ids);
      process.stdout.write(
        returned.length === 0
          ? `run ${run} of flow "${found.flow}": no destination returned ids (set idPath or results.id on an http.request destination)\n`
          : `run ${run}: no returned ids match\n`,
      );
      return 0;
    }
    const rows = ids.map((r) => [r.seq, r.destination, r.recordId, r.recordKey ?? '', r.id]);
    process.stdout.write(`${formatTable(['page', 'destination', 'record', 'key', 'id'], rows)}\n`);
    const total = Object.values(found.counts.destinations).reduce((n, c) => n + (c.ids ?? 0), 0);
    if (ids.length < total && !options.destination && !options.record)
      process.stdout.write(`${ids.length} of ${total} ids shown; more with --limit ${total}\n`);
    return 0;
  });
}
