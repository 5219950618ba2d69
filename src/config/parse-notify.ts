import { parseConfig } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import type { PathKey } from './yaml-locator.js';

/** Validates a `notify:` block with the host's schema; undefined when absent or wrong (then reported). */
export function parseNotify(value: unknown, path: readonly PathKey[], ctx: ParseContext): unknown {
  if (value === undefined || value === null) return undefined;
  const schema = ctx.catalog.notify;
  if (!schema) {
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(path),
      `${path.join('.')}: error notifications are not available here`,
      'Remove `notify:`; the `syncline` command offers it.',
    );
    return undefined;
  }
  const parsed = parseConfig(schema, value, path, ctx);
  return parsed.ok ? parsed.data : undefined;
}
