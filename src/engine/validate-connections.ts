import type { ProjectDefinition } from '../config/definition.js';
import type { Context } from '../sdk/index.js';
import { noMetrics, silentLogger, systemClock } from '../sdk/index.js';
import { makeContext } from './make-context.js';
import type { Registry } from './registry.js';

/** The context of `validate`'s checks: no run, nothing logged. */
export function validateContext(project: ProjectDefinition, flow = ''): Context {
  return makeContext({
    runId: 'validate',
    flow,
    signal: new AbortController().signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: project.baseDir,
  });
}

/** Connections opened by `validate --connect`, each once, all closed at the end. */
export interface ValidateConnections {
  /** The open connection; undefined when it cannot be opened (the connection check reports that). */
  open(name: string): Promise<{ readonly connection: unknown } | undefined>;
  closeAll(): Promise<void>;
}

export function validateConnections(registry: Registry, project: ProjectDefinition, ctx: Context): ValidateConnections {
  const opened = new Map<string, Promise<{ readonly connection: unknown } | undefined>>();
  const openOnce = async (name: string): Promise<{ readonly connection: unknown } | undefined> => {
    const def = project.connections[name];
    if (!def) return undefined;
    try {
      return { connection: await registry.connector(def.type).open(def.config, ctx) };
    } catch {
      return undefined; // reported by the connection check
    }
  };
  return {
    open(name) {
      const found = opened.get(name) ?? openOnce(name);
      opened.set(name, found);
      return found;
    },
    async closeAll() {
      for (const [name, found] of opened) {
        const def = project.connections[name];
        const connection = await found;
        if (def && connection)
          await registry
            .connector(def.type)
            .close(connection.connection)
            .catch(() => undefined);
      }
    },
  };
}
