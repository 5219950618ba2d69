import type { ConnectionDefinition, ProjectDefinition } from '../config/definition.js';
import {
  type Clock,
  type Context,
  FlowError,
  type Json,
  noMetrics,
  silentLogger,
  systemClock,
  toFlowError,
} from '../sdk/index.js';
import { makeContext } from './make-context.js';
import type { Registry } from './registry.js';

const SECRET_KEY = /pass|secret|token|key|auth|credential/i;

/** The values of a connection's settings that must never be shown: secret-looking keys and URL passwords. */
function secretsOf(value: unknown, key = '', out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value.length >= 3) out.push(value);
    try {
      const url = new URL(value);
      if (url.password) out.push(url.password, decodeURIComponent(url.password));
    } catch {
      // not a URL
    }
  } else if (Array.isArray(value)) {
    for (const item of value) secretsOf(item, key, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) secretsOf(v, k, out);
  }
  return out;
}

function masker(def: ConnectionDefinition): (text: string) => string {
  const secrets = [...new Set(secretsOf(def.config as Json))].sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** A connection's failure, named (connection, type, whether opening or the check failed), its secrets masked. */
function connectionFailure(def: ConnectionDefinition, what: string, error: unknown): FlowError {
  const e = toFlowError(error);
  const mask = masker(def);
  return new FlowError(e.code, mask(`connection "${def.name}" (${def.type}) ${what}: ${e.message}`), {
    kind: e.kind,
    where: def.where,
    ...(e.hint === undefined ? {} : { hint: mask(e.hint) }),
    ...(e.next === undefined ? {} : { next: e.next }),
    ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
    cause: error,
  });
}

/**
 * Runs the connector's check on a connection a run has just opened, when the connector wants it at
 * run start (`checkAtRunStart`, default yes). Returns the failure, named as `checkConnection` names it.
 */
export async function checkAtRunStart(
  registry: Registry,
  def: ConnectionDefinition,
  connection: unknown,
  ctx: Context,
): Promise<FlowError | undefined> {
  const connector = registry.connector(def.type);
  if (connector.checkAtRunStart?.(connection) === false) return undefined;
  try {
    await connector.check(connection, ctx);
    return undefined;
  } catch (error) {
    return connectionFailure(def, 'check failed', error);
  }
}

/**
 * Opens a connection, runs its connector's check (authentication, reachability, the http `checkPath`)
 * and closes it. Returns undefined when it works, else the failure naming the connection and whether
 * opening or the check failed, with the connection's secrets masked.
 */
export async function checkConnection(
  registry: Registry,
  def: ConnectionDefinition,
  ctx: Context,
): Promise<FlowError | undefined> {
  const connector = registry.connector(def.type);
  let opened: { readonly connection: unknown } | undefined;
  try {
    opened = { connection: await connector.open(def.config, ctx) };
    await connector.check(opened.connection, ctx);
    return undefined;
  } catch (error) {
    return connectionFailure(def, opened === undefined ? 'cannot be opened' : 'check failed', error);
  } finally {
    if (opened !== undefined) await connector.close(opened.connection).catch(() => undefined);
  }
}

export interface ConnectionCheckResult {
  readonly name: string;
  readonly type: string;
  readonly ms: number;
  /** Undefined when the connection works. */
  readonly error?: FlowError;
}

/** Checks the named connections of a project (all when none are named), one after the other. */
export async function checkConnections(
  registry: Registry,
  project: ProjectDefinition,
  names: readonly string[] = Object.keys(project.connections),
  clock: Clock = systemClock,
): Promise<ConnectionCheckResult[]> {
  const results: ConnectionCheckResult[] = [];
  for (const name of names) {
    const def = project.connections[name];
    if (!def) continue;
    const ctx = makeContext({
      runId: 'check',
      flow: '',
      signal: new AbortController().signal,
      clock,
      log: silentLogger,
      metrics: noMetrics,
      baseDir: project.baseDir,
    });
    const started = clock.now().getTime();
    const error = await checkConnection(registry, def, ctx);
    const ms = clock.now().getTime() - started;
    results.push({ name, type: def.type, ms, ...(error ? { error } : {}) });
  }
  return results;
}
