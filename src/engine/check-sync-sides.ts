import { closest } from '../config/closest.js';
import type { ProjectDefinition, SyncDefinition, SyncSideName } from '../config/definition.js';
import { type Context, type DestinationProblem, FlowError, toFlowError } from '../sdk/index.js';
import type { Registry } from './registry.js';
import { type ValidateConnections, validateConnections, validateContext } from './validate-connections.js';

/** A column a side's records are read or written by, and what in the sync names it. */
interface ColumnUse {
  readonly column: string;
  /** `fields.email.b`, `a.key`, `a.cursor`… */
  readonly what: string;
  /** The sync field's own name stands for the column (no `a:` / `b:` written). */
  readonly defaulted: boolean;
  readonly where: string;
}

/** Every column of side `side` the sync reads or writes: mapped fields, key, cursor, soft-delete and flag fields. */
function columnUses(sync: SyncDefinition, side: SyncSideName): ColumnUse[] {
  const def = sync[side];
  const uses: ColumnUse[] = sync.fields.map((f) => {
    const written = f.fieldWhere?.(side);
    return {
      column: f[side],
      what: `fields.${f.name}.${side}`,
      defaulted: written === undefined,
      where: written ?? f.where,
    };
  });
  const own = (column: string | undefined, what: string) =>
    column === undefined ? [] : [{ column, what: `${side}.${what}`, defaulted: false, where: def.where }];
  uses.push(...own(def.key, 'key'), ...own(def.cursor, 'cursor'), ...own(def.deleted?.field, 'deleted'));
  const flag = sync.deletes.flag?.[side]?.field;
  if (flag !== undefined)
    uses.push({ column: flag, what: `deletes.flag.${side}.field`, defaulted: false, where: def.where });
  return uses;
}

/**
 * `Did you mean "x"? ` for a column name: a likely typo, else the one column that contains the name or
 * is contained in it (`email` → `email_address`, the same field named differently on the other side).
 */
function likelyColumn(name: string, columns: readonly string[]): string {
  const lower = name.toLowerCase();
  const containing = columns.filter((c) => {
    const column = c.toLowerCase();
    return column.includes(lower) || (column.length >= 3 && lower.includes(column));
  });
  const match = closest(name, columns) ?? (containing.length === 1 ? containing[0] : undefined);
  return match === undefined ? '' : `Did you mean "${match}"? `;
}

/** A destination problem about a side: a column a use names (with the closest column), or the table itself. */
function sideProblem(
  sync: SyncDefinition,
  side: SyncSideName,
  uses: readonly ColumnUse[],
  p: DestinationProblem,
): FlowError[] {
  const def = sync[side];
  const at = `syncs.${sync.name}.${side} (${def.label})`;
  const wrong = /no column (\S+);/.exec(p.message)?.[1];
  const table = /table (\S+) has no column/.exec(p.message)?.[1] ?? 'the table';
  const using = uses.filter((u) => u.column === wrong);
  if (wrong === undefined || using.length === 0)
    return [
      new FlowError('CONFIG_INVALID', `${at}: ${p.message}`, { where: def.where, ...(p.hint ? { hint: p.hint } : {}) }),
    ];
  const typo = p.candidates ? likelyColumn(wrong, p.candidates) : '';
  return using.map(
    (u) =>
      new FlowError(
        'CONFIG_SYNC_FIELD',
        `${at}: ${u.what} names ${wrong}${u.defaulted ? " (the sync field's own name)" : ''}, but ${table} has no column ${wrong}`,
        {
          where: u.where,
          field: u.what,
          hint: u.defaulted
            ? `${typo}The sides name the field differently: give side ${side}'s column with \`${side}: <column>\`.`
            : `${typo}Name a column of ${table}${p.candidates ? ` (${p.candidates.slice(0, 20).join(', ')})` : ''}.`,
        },
      ),
  );
}

async function checkSide(
  registry: Registry,
  project: ProjectDefinition,
  sync: SyncDefinition,
  side: SyncSideName,
  connections: ValidateConnections,
  ctx: Context,
): Promise<FlowError[]> {
  const def = sync[side];
  const at = `syncs.${sync.name}.${side} (${def.label})`;
  const problems: FlowError[] = [];
  try {
    const source = registry.source(def.source.type);
    const connectionConfig = project.connections[def.connection]?.config;
    for (const p of (await source.validate?.({ config: def.source.config, connectionConfig }, ctx)) ?? [])
      problems.push(
        new FlowError('CONFIG_INVALID', `${at}: source ${p.field}: ${p.message}`, {
          where: def.source.where,
          ...(p.hint ? { hint: p.hint } : {}),
        }),
      );
    const destination = registry.destination(def.destination.type);
    const open = await connections.open(def.connection);
    if (!destination.validate || !destination.keyedWrites || open === undefined) return problems;
    const uses = columnUses(sync, side);
    const config = destination.keyedWrites.config(def.destination.config, 'update', def.key);
    const fields = [...new Set(uses.map((u) => u.column))];
    for (const p of await destination.validate({ config, connection: open.connection, fields }, ctx))
      problems.push(...sideProblem(sync, side, uses, p));
  } catch (error) {
    const e = toFlowError(error);
    problems.push(
      new FlowError(e.code, `${at}: ${e.message}`, {
        kind: e.kind,
        where: def.where,
        ...(e.hint ? { hint: e.hint } : {}),
        cause: error,
      }),
    );
  }
  return problems;
}

/**
 * `validate --connect` for syncs: each side's source and destination checked against its server —
 * the table exists, and every mapped field, the key, the cursor and the delete markers are its
 * columns (a field the sides name differently with no `a:` / `b:` is named, with the closest column).
 */
export async function syncSideProblems(registry: Registry, project: ProjectDefinition): Promise<FlowError[]> {
  const syncs = Object.values(project.syncs ?? {});
  if (syncs.length === 0) return [];
  const ctx = validateContext(project);
  const connections = validateConnections(registry, project, ctx);
  const problems: FlowError[] = [];
  try {
    for (const sync of syncs)
      for (const side of ['a', 'b'] as const)
        problems.push(...(await checkSide(registry, project, sync, side, connections, ctx)));
  } finally {
    await connections.closeAll();
  }
  return problems;
}
