import type { Destination, Source } from '../sdk/index.js';
import { type CatalogEntry, listNames } from './catalog.js';
import { checkConnectionRef } from './check-connection-ref.js';
import { didYouMean } from './closest.js';
import { parseConfig, withoutKeys } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

export type EndpointKind = 'source' | 'destination';

export interface Endpoint {
  readonly connection: string;
  readonly type: string;
  readonly config: unknown;
}

function kindEntries(kind: EndpointKind, ctx: ParseContext): ReadonlyMap<string, CatalogEntry<Source | Destination>> {
  return kind === 'source' ? ctx.catalog.sources : ctx.catalog.destinations;
}

function typesOf(connector: string, kind: EndpointKind, ctx: ParseContext): string[] {
  return [...kindEntries(kind, ctx).entries()].filter(([, e]) => e.connector?.name === connector).map(([t]) => t);
}

function unknownType(kind: EndpointKind, type: string, typePath: readonly PathKey[], ctx: ParseContext): void {
  const entries = kindEntries(kind, ctx);
  const other: EndpointKind = kind === 'source' ? 'destination' : 'source';
  const otherKind = kindEntries(other, ctx).has(type) ? `"${type}" is a ${other} type, not a ${kind} type. ` : '';
  ctx.problems.add(
    'CONFIG_UNKNOWN_TYPE',
    ctx.locator.at(typePath),
    `${formatPath(typePath)}: unknown ${kind} type "${type}"`,
    `${otherKind}${didYouMean(type, entries.keys())}${kind[0]?.toUpperCase()}${kind.slice(1)} types: ${listNames(entries.keys())}.`,
  );
}

/**
 * A source or destination map: `connection` must be declared, `type` must exist and belong to the
 * connection's connector, and the remaining keys must satisfy the component's config schema.
 */
export function parseEndpoint(
  kind: EndpointKind,
  value: { readonly connection: string; readonly type: string } & Readonly<Record<string, unknown>>,
  wrapperKeys: readonly string[],
  path: readonly PathKey[],
  ctx: ParseContext,
): Endpoint | undefined {
  const { connection, type } = value;
  const declared = checkConnectionRef(connection, [...path, 'connection'], ctx);
  const typePath = [...path, 'type'];
  const entry = kindEntries(kind, ctx).get(type);
  if (!entry) {
    unknownType(kind, type, typePath, ctx);
    return undefined;
  }
  const owner = entry.connector?.name;
  if (declared.type !== undefined && ctx.catalog.connectors.has(declared.type) && owner !== declared.type) {
    const fitting = typesOf(declared.type, kind, ctx);
    ctx.problems.add(
      'CONFIG_TYPE_MISMATCH',
      ctx.locator.at(typePath),
      `${formatPath(typePath)}: "${type}" is a ${owner} ${kind} type, but connection "${connection}" is a ${declared.type} connection`,
      fitting.length > 0
        ? `Use a ${declared.type} ${kind} type (${listNames(fitting)}), or a ${owner} connection.`
        : `The ${declared.type} connector has no ${kind} types; use a ${owner} connection.`,
    );
  }
  const config = parseConfig(entry.component.config, withoutKeys(value, wrapperKeys), path, ctx, { wrapperKeys });
  return config.ok ? { connection, type, config: config.data } : undefined;
}
