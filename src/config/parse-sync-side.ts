import type { Destination, Source } from '../sdk/index.js';
import { type CatalogEntry, listNames } from './catalog.js';
import { checkConnectionRef } from './check-connection-ref.js';
import type { SyncSideDefinition, SyncSideName } from './definition.js';
import { parseConfig, withoutKeys } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { parseEndpoint } from './parse-endpoint.js';
import { checkKeyedWrites } from './sync-keyed-writes.js';
import { syncSideSchema } from './sync-structure.js';
import { findUnknownKeys } from './unknown-keys.js';
import { formatPath, type PathKey } from './yaml-locator.js';

type SideInput = ReturnType<typeof syncSideSchema.parse>;
type Component = { readonly type: string; readonly config: unknown; readonly where: string };

/** Keys of a written-out destination the sync sets itself, per write. */
const SYNC_SET = ['operation', 'key'] as const;

/** A side before its label is settled (the two sides' labels must differ). */
export type ParsedSide = Omit<SyncSideDefinition, 'label'> & { readonly explicitName: string | undefined };

function problem(
  ctx: ParseContext,
  path: readonly PathKey[],
  code: 'CONFIG_INVALID' | 'CONFIG_UNKNOWN_TYPE',
  message: string,
  hint: string,
): void {
  ctx.problems.add(code, ctx.locator.at(path), `${formatPath(path)}: ${message}`, hint);
}

function typesOf<T>(entries: ReadonlyMap<string, CatalogEntry<T>>, connector: string): string[] {
  return [...entries.entries()].filter(([, e]) => e.connector?.name === connector).map(([t]) => t);
}

/** A shorthand's component (`table:` → `<connector>.table`), its settings checked by the component's schema. */
function shorthand<T extends Source | Destination>(
  kind: 'source' | 'destination',
  entries: ReadonlyMap<string, CatalogEntry<T>>,
  connector: string,
  short: { key: 'table' | 'query'; value: string },
  sidePath: readonly PathKey[],
  ctx: ParseContext,
  pageSize?: number,
): { component: Component; entry: CatalogEntry<T> } | undefined {
  const type = `${connector}.${short.key}`;
  const entry = entries.get(type);
  const at = [...sidePath, short.key];
  if (!entry) {
    problem(
      ctx,
      at,
      'CONFIG_UNKNOWN_TYPE',
      `the ${connector} connector has no ${short.key} ${kind} (${type}), so \`${short.key}:\` cannot stand for it`,
      `Write the side's \`${kind}:\` out with its type: ${listNames(typesOf(entries, connector))}.`,
    );
    return undefined;
  }
  const given: Record<string, unknown> = { [short.key]: short.value };
  // a read page of the sync's batch (not the source's own default): one page is staged as one batch
  if (pageSize !== undefined && findUnknownKeys(entry.component.config, { ...given, pageSize }).length === 0)
    given.pageSize = pageSize;
  const config = parseConfig(entry.component.config, given, sidePath, ctx);
  if (!config.ok) return undefined;
  return { component: { type, config: config.data, where: ctx.locator.at(at).where }, entry };
}

/** A written-out `source:` / `destination:` of the side's connection. */
function explicit<T extends Source | Destination>(
  kind: 'source' | 'destination',
  entries: ReadonlyMap<string, CatalogEntry<T>>,
  connection: string,
  value: Readonly<Record<string, unknown>> & { type: string },
  sidePath: readonly PathKey[],
  ctx: ParseContext,
): { component: Component; entry: CatalogEntry<T> } | undefined {
  const path = [...sidePath, kind];
  if (value.connection !== undefined && value.connection !== connection) {
    const at = [...path, 'connection'];
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(at),
      `${formatPath(at)}: a side reads and writes its own connection (${connection})`,
      "Remove it, or change the side's `connection:`.",
    );
  }
  const endpoint = parseEndpoint(kind, { ...value, connection }, ['connection', 'type'], path, ctx);
  const entry = entries.get(value.type);
  if (!endpoint || !entry) return undefined;
  return { component: { type: value.type, config: endpoint.config, where: ctx.locator.at(path).where }, entry };
}

/** How the side is read: `source:`, else `query:`, else `table:` (a shorthand reads pages of `batch`). */
function readComponent(s: SideInput, connector: string, path: readonly PathKey[], ctx: ParseContext, batch: number) {
  if (s.source && s.query !== undefined) {
    problem(
      ctx,
      [...path, 'query'],
      'CONFIG_INVALID',
      'a side is read by `source:` or `query:`, not both',
      'Keep one of them.',
    );
    return undefined;
  }
  if (s.source) return explicit('source', ctx.catalog.sources, s.connection, s.source, path, ctx);
  const short =
    s.query !== undefined
      ? { key: 'query' as const, value: s.query }
      : s.table !== undefined
        ? { key: 'table' as const, value: s.table }
        : undefined;
  if (short) return shorthand('source', ctx.catalog.sources, connector, short, path, ctx, batch);
  problem(
    ctx,
    path,
    'CONFIG_INVALID',
    'the side has nothing to read',
    'Add `table: <name>` (read and written), `query: <sql>` or `source: { type: …, … }`.',
  );
  return undefined;
}

/** How the side is written: `destination:`, else `table:`; checked for keyed writes. */
function writeComponent(s: SideInput, connector: string, path: readonly PathKey[], ctx: ParseContext) {
  if (s.destination) {
    for (const key of SYNC_SET.filter((k) => s.destination && k in s.destination)) {
      const at = [...path, 'destination', key];
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.keyAt(at),
        `${formatPath(at)}: set by the sync for each write`,
        `Remove it: the sync writes by the side's \`key:\` (${s.key}) with insert, update and delete.`,
      );
    }
    if (s.table !== undefined && (s.source || s.query !== undefined))
      problem(
        ctx,
        [...path, 'table'],
        'CONFIG_INVALID',
        '`table:` is not used: the side has both a source and a destination written out',
        'Remove `table:`.',
      );
    const found = explicit(
      'destination',
      ctx.catalog.destinations,
      s.connection,
      withoutKeys(s.destination, SYNC_SET) as typeof s.destination,
      path,
      ctx,
    );
    return found && checkKeyedWrites(found, s.key, [...path, 'destination', 'type'], ctx) ? found.component : undefined;
  }
  if (s.table === undefined) {
    problem(
      ctx,
      path,
      'CONFIG_INVALID',
      'the side has nothing to write to',
      `\`query:\` only reads: add \`table: <name>\` or \`destination: { type: …, … }\` to write the side.`,
    );
    return undefined;
  }
  const found = shorthand(
    'destination',
    ctx.catalog.destinations,
    connector,
    { key: 'table', value: s.table },
    path,
    ctx,
  );
  return found && checkKeyedWrites(found, s.key, [...path, 'table'], ctx) ? found.component : undefined;
}

/**
 * One side of a sync (`syncs.<name>.a`): its connection, how it is read and written (shorthand
 * `table:` / `query:` expanded to the connector's components before validation), key, cursor,
 * soft delete; a shorthand reads pages of the sync's `batch` records. Structural mistakes were reported by the sync's schema; undefined when the side is unusable.
 */
export function parseSyncSide(
  side: SyncSideName,
  value: unknown,
  syncPath: readonly PathKey[],
  ctx: ParseContext,
  batch: number,
): ParsedSide | undefined {
  const parsed = syncSideSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  const path = [...syncPath, side];
  const ref = checkConnectionRef(s.connection, [...path, 'connection'], ctx);
  const connector = ref.type;
  if (!ref.declared || connector === undefined || !ctx.catalog.connectors.has(connector)) return undefined;
  const read = readComponent(s, connector, path, ctx, batch);
  const write = writeComponent(s, connector, path, ctx);
  if (!read || !write) return undefined;
  const deleted =
    s.deleted === undefined ? undefined : typeof s.deleted === 'string' ? { field: s.deleted } : s.deleted;
  return {
    side,
    explicitName: s.name,
    connection: s.connection,
    source: read.component,
    destination: write,
    key: s.key,
    ...(s.cursor === undefined ? {} : { cursor: s.cursor }),
    ...(s.overlap === undefined ? {} : { overlap: s.overlap }),
    ...(deleted === undefined ? {} : { deleted }),
    stampCursor: s.stampCursor,
    where: ctx.locator.at(path).where,
  };
}
