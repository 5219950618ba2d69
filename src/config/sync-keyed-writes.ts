import type { Destination } from '../sdk/index.js';
import { type CatalogEntry, listNames } from './catalog.js';
import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

type Component = { readonly type: string; readonly config: unknown; readonly where: string };

/** The destination can write by key (a sync needs it), and its config holds for each keyed operation. */
export function checkKeyedWrites(
  found: { component: Component; entry: CatalogEntry<Destination> },
  key: string,
  typePath: readonly PathKey[],
  ctx: ParseContext,
): boolean {
  const { component, entry } = found;
  const keyed = entry.component.keyedWrites;
  if (keyed === undefined) {
    const able = [...ctx.catalog.destinations.entries()].filter(([, e]) => e.component.keyedWrites);
    const connector = entry.connector?.name;
    const own = able.filter(([, e]) => e.connector?.name === connector).map(([t]) => t);
    ctx.problems.add(
      'CONFIG_SYNC_NO_KEYED_WRITES',
      ctx.locator.at(typePath),
      `${formatPath(typePath)}: destination type ${component.type} cannot write records by key, so a sync cannot write this side`,
      own.length > 0
        ? `Use a ${connector} destination with keyed writes: ${listNames(own)}.`
        : `The ${connector} connector has none; destination types with keyed writes: ${listNames(able.map(([t]) => t))}.`,
    );
    return false;
  }
  for (const operation of keyed.operations) {
    const checked = entry.component.config.safeParse(keyed.config(component.config, operation, key));
    if (checked.success) continue;
    const issue = checked.error.issues[0];
    const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(typePath),
      `${formatPath(typePath)}: ${component.type} cannot ${operation} by key ${key}: ${field}${issue?.message ?? 'invalid settings'}`,
      "Correct the destination's settings (the sync sets operation and key itself for each write).",
    );
    return false;
  }
  return true;
}
