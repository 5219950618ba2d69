import { didYouMean } from './closest.js';
import type { FlowDefinition } from './definition.js';
import type { ParseContext } from './parse-context.js';
import { formatPath } from './yaml-locator.js';

/** Steps that pass a record's fields on without adding any: the last map still decides the fields. */
const KEEPS_FIELDS = new Set(['filter', 'validate', 'dedupe']);
const KEYED = new Set(['update', 'upsert', 'ignore']);

/** The fields the flow's last `map` writes, when they are known: a map without `$keep`, followed only by steps that add no field. */
export function mappedFields(flow: FlowDefinition): { fields: string[]; index: number } | undefined {
  let index = -1;
  flow.steps.forEach((s, i) => {
    if (s.type === 'map') index = i;
  });
  if (index < 0) return undefined;
  if (!flow.steps.slice(index + 1).every((s) => KEEPS_FIELDS.has(s.type))) return undefined;
  const config = flow.steps[index]?.config;
  if (typeof config !== 'object' || config === null) return undefined;
  const map = config as Record<string, unknown>;
  if (map.$keep === true) return undefined;
  const fields = Object.keys(map)
    .filter((k) => !k.startsWith('$') || k.startsWith('$$'))
    .map((k) => (k.startsWith('$$') ? k.slice(1) : k));
  return { fields, index };
}

/**
 * A destination that updates or upserts by `key:` needs every key column in each record. When the
 * flow's last map decides the fields, a key column it never writes fails every record at run time:
 * reported here instead, before anything runs.
 */
export function checkKeys(flows: Readonly<Record<string, FlowDefinition>>, ctx: ParseContext): void {
  for (const flow of Object.values(flows)) {
    const mapped = mappedFields(flow);
    if (!mapped) continue;
    flow.destinations.forEach((destination, i) => {
      const config = destination.config as { operation?: unknown; key?: unknown; columns?: unknown } | null;
      if (!config || !KEYED.has(String(config.operation)) || !Array.isArray(config.key)) return;
      if (Array.isArray(config.columns)) return; // the columns written are chosen there
      for (const column of config.key) {
        if (typeof column !== 'string' || mapped.fields.includes(column)) continue;
        const path = ['flows', flow.name, 'destinations', i, 'key'];
        const mapPath = formatPath(['flows', flow.name, 'steps', mapped.index, 'map']);
        ctx.problems.add(
          'CONFIG_INVALID',
          ctx.locator.at(path),
          `${formatPath(path)}: key column "${column}" is never written: the last map (${mapPath}) writes only ${mapped.fields.join(', ') || 'no field'}, so every record would fail at destination ${destination.name}`,
          `${didYouMean(column, mapped.fields)}Add \`${column}: { from: … }\` to the map, set \`$keep: true\` there to pass the input fields on, or key on a field the map writes.`,
        );
      }
    });
  }
}
