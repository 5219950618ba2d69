import type { ProjectDefinition, SyncDefinition, SyncFieldDefinition } from '../config/definition.js';
import { type Context, FlowError, FlowErrors, type JsonObject, toFlowError } from '../sdk/index.js';
import type { Registry } from './registry.js';
import { validateContext } from './validate-connections.js';

type To = 'a' | 'b';

/** A map field spec's ways to get its value; `from` is the one a sync fills in. */
const SOURCE_KEYS = ['from', 'template', 'value', 'compute'] as const;

/** The field's `where` for a path of its settings (`toB.transform[1]` → `toB.transform` → `toB`), else the field's. */
function whereOf(field: SyncFieldDefinition, path: string): string {
  for (let p = path; p !== ''; ) {
    const found = field.fieldWhere?.(p);
    if (found !== undefined) return found;
    const shorter = p.replace(/(\.[^.[]*|\[\d+\])$/, '');
    if (shorter === p) break;
    p = shorter;
  }
  return field.where;
}

/** One direction's spec compiled by the map step, as the sync run does; its errors placed at the spec's YAML nodes. */
async function compileSpec(
  registry: Registry,
  sync: SyncDefinition,
  field: SyncFieldDefinition,
  to: To,
  ctx: Context,
): Promise<FlowError[]> {
  const spec = to === 'a' ? field.toA : field.toB;
  if (spec === undefined) return [];
  const key = to === 'a' ? 'toA' : 'toB';
  const from = to === 'a' ? field.b : field.a;
  // `$name` is a map option; `$$name` writes the field `$name`
  const output = field[to].startsWith('$') ? `$${field[to]}` : field[to];
  // `from` defaults to the field on the side read, unless the spec computes the value another way
  const computed = SOURCE_KEYS.some((k) => spec[k] !== undefined);
  const config: JsonObject = { [output]: computed ? spec : { from, ...spec } };
  const path = `syncs.${sync.name}.fields.${field.name}.${key}`;
  try {
    const processor = await registry.step('map').create({ config, where: `${path} (${field.where})` }, ctx);
    await processor.close?.();
    return [];
  } catch (error) {
    const e = toFlowError(error);
    const all = e.cause instanceof FlowErrors ? e.cause.errors : [e];
    return all.map((one) => {
      const rel = one.field?.startsWith(output) ? one.field.slice(output.length) : '';
      const text =
        one.field !== undefined && one.message.startsWith(`${one.field}: `)
          ? one.message.slice(one.field.length + 2)
          : one.message;
      return new FlowError(one.code, `${path}${rel}: ${text}`, {
        kind: one.kind,
        where: whereOf(field, `${key}${rel}`),
        field: `${field.name}.${key}${rel}`,
        ...(one.hint === undefined ? {} : { hint: one.hint }),
        ...(one.next === undefined ? {} : { next: one.next }),
        cause: error,
      });
    });
  }
}

/**
 * What `syncline validate` checks of the syncs beyond the loader, with no connection opened: each
 * field's `toA` / `toB` compiled by the map step (transforms, templates, expressions, value maps).
 */
export async function checkSyncs(registry: Registry, project: ProjectDefinition): Promise<FlowError[]> {
  const syncs = Object.values(project.syncs ?? {});
  if (syncs.length === 0) return [];
  const problems: FlowError[] = [];
  const ctx = validateContext(project);
  for (const sync of syncs)
    for (const field of sync.fields)
      for (const to of ['b', 'a'] as const) problems.push(...(await compileSpec(registry, sync, field, to, ctx)));
  return problems;
}
