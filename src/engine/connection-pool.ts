import type { ConnectionDefinition } from '../config/definition.js';
import type { Context } from '../sdk/index.js';
import type { Registry } from './registry.js';

interface Entry {
  readonly connection: Promise<unknown>;
  users: number;
}

/**
 * The engine's opened connections, shared by every run in the process that uses the same
 * connection (same connector, config and base folder): so a connection's rate limit, pool and
 * circuit are shared by all flows using it. A connection is closed when its last user releases it.
 */
export interface ConnectionPool {
  acquire(def: ConnectionDefinition, baseDir: string, ctx: Context): Promise<unknown>;
  release(def: ConnectionDefinition, baseDir: string): Promise<void>;
  /** Open connections (for tests and status). */
  readonly size: number;
}

/** What makes two connections the same one: connector, base folder and settings. */
export function connectionIdentity(def: ConnectionDefinition, baseDir: string): string {
  return JSON.stringify([def.type, baseDir, def.config]);
}

export function createConnectionPool(registry: Registry): ConnectionPool {
  const entries = new Map<string, Entry>();
  return {
    get size() {
      return entries.size;
    },
    async acquire(def, baseDir, ctx) {
      const key = connectionIdentity(def, baseDir);
      let entry = entries.get(key);
      if (!entry) {
        const connection = Promise.resolve().then(() => registry.connector(def.type).open(def.config, ctx));
        entry = { connection, users: 0 };
        entries.set(key, entry);
        connection.catch(() => entries.delete(key));
      }
      entry.users += 1;
      try {
        return await entry.connection;
      } catch (error) {
        entry.users -= 1;
        throw error;
      }
    },
    async release(def, baseDir) {
      const key = connectionIdentity(def, baseDir);
      const entry = entries.get(key);
      if (!entry) return;
      entry.users -= 1;
      if (entry.users > 0) return;
      entries.delete(key);
      await registry
        .connector(def.type)
        .close(await entry.connection)
        .catch(() => undefined);
    },
  };
}
