import { listNames } from './catalog.js';
import { didYouMean } from './closest.js';
import type { ConnectionDefinition } from './definition.js';
import { parseConfig, withoutKeys } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { CONNECTION_KEYS, connectionWrapper } from './structure.js';
import { formatPath } from './yaml-locator.js';

/** Validates one entry of `connections:` with its connector's schema. */
export function parseConnection(name: string, value: unknown, ctx: ParseContext): ConnectionDefinition | undefined {
  const path = ['connections', name];
  const wrapper = parseConfig(connectionWrapper, value, path, ctx);
  if (!wrapper.ok) return undefined;
  const type = wrapper.data.type;
  const connector = ctx.catalog.connectors.get(type);
  if (!connector) {
    const typePath = [...path, 'type'];
    ctx.problems.add(
      'CONFIG_UNKNOWN_TYPE',
      ctx.locator.at(typePath),
      `${formatPath(typePath)}: unknown connection type "${type}"`,
      `${didYouMean(type, ctx.catalog.connectors.keys())}Connection types: ${listNames(ctx.catalog.connectors.keys())}.`,
    );
    return undefined;
  }
  const config = parseConfig(connector.connection, withoutKeys(wrapper.data, CONNECTION_KEYS), path, ctx, {
    wrapperKeys: CONNECTION_KEYS,
  });
  if (!config.ok) return undefined;
  const retry = wrapper.data.retry ?? undefined;
  const breaker = wrapper.data.breaker ?? undefined;
  return {
    name,
    type,
    config: config.data,
    ...(retry ? { retry } : {}),
    ...(breaker ? { breaker } : {}),
    ...(typeof wrapper.data.maxConcurrent === 'number' ? { maxConcurrent: wrapper.data.maxConcurrent } : {}),
    where: ctx.locator.keyAt(path).where,
  };
}

/** Connection name → declared type (when it is a string), read before validation so references can be checked. */
export function declaredConnectionTypes(connections: unknown): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  if (typeof connections !== 'object' || connections === null || Array.isArray(connections)) return out;
  for (const [name, value] of Object.entries(connections)) {
    const type =
      typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string'
        ? value.type
        : undefined;
    out.set(name, type);
  }
  return out;
}
