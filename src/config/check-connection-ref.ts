import { listNames } from './catalog.js';
import { didYouMean } from './closest.js';
import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

/**
 * Checks that `connection` (found at YAML `path`) is declared under `connections:`. Returns the
 * declared connector type (undefined when unknown or not declared).
 */
export function checkConnectionRef(
  connection: string,
  path: readonly PathKey[],
  ctx: ParseContext,
): { declared: boolean; type: string | undefined } {
  if (ctx.connectionTypes.has(connection)) return { declared: true, type: ctx.connectionTypes.get(connection) };
  const names = [...ctx.connectionTypes.keys()];
  ctx.problems.add(
    'CONFIG_UNKNOWN_CONNECTION',
    ctx.locator.at(path),
    `${formatPath(path)}: connection "${connection}" is not declared`,
    `${didYouMean(connection, names)}Declared connections: ${listNames(names)}. Declare it under \`connections:\` or correct the name.`,
  );
  return { declared: false, type: undefined };
}
