import { withApp } from './open-app.js';

/**
 * `syncline connections test <file> [name]`: opens each connection of the file (or the named one),
 * runs its connector's check and prints ok or failed with the reason (secrets masked).
 * Exit 1 when any failed.
 */
export async function connectionsTest(
  file: string,
  name: string | undefined,
  options: { db?: string },
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const results = await withApp({ db: options.db, here: true }, {}, (app) => app.connections.check(file, name));
  const width = Math.max(...results.map((r) => `${r.name} (${r.type})`.length));
  for (const r of results) {
    const label = `${r.name} (${r.type})`.padEnd(width);
    if (r.error === undefined) {
      out.write(`ok      ${label}  ${r.ms} ms\n`);
    } else {
      out.write(`failed  ${label}  [${r.error.code}] ${r.error.message}\n`);
      if (r.error.hint) out.write(`        hint: ${r.error.hint}\n`);
    }
  }
  const failed = results.filter((r) => r.error !== undefined).length;
  out.write(`${results.length - failed} ok, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
