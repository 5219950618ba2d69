import type {
  ConflictPolicy,
  ConnectionDefinition,
  ProjectDefinition,
  SyncDefinition,
  SyncDirection,
  SyncFieldDefinition,
  SyncSideDefinition,
  SyncSideName,
} from '../../src/config/definition.js';
import { mysqlConnector } from '../../src/connectors/mysql/index.js';
import { postgresConnector } from '../../src/connectors/postgres/index.js';
import { sqliteConnector } from '../../src/connectors/sqlite/index.js';
import type { Connector, Json, JsonObject } from '../../src/sdk/index.js';
import { prng } from '../helpers/prng.js';

export { prng };

/**
 * Sync definitions for the proofs (test/sync), built as the config parser builds them (component
 * configs parsed by their own zod schemas, the sync-config defaults), so the run tests need no YAML.
 */

export const syncConnectors: readonly Connector[] = [sqliteConnector, postgresConnector, mysqlConnector];

type ConnectorName = 'sqlite' | 'postgres' | 'mysql';

function connectorOf(name: ConnectorName): Connector {
  const c = syncConnectors.find((x) => x.name === name);
  if (!c) throw new Error(`no connector ${name}`);
  return c;
}

export function connection(name: string, type: ConnectorName, config: JsonObject): ConnectionDefinition {
  return { name, type, config: connectorOf(type).connection.parse(config), where: `sync-test.yaml:${name}` };
}

export interface SideSpec {
  readonly connection: string;
  readonly type: ConnectorName;
  readonly table: string;
  readonly key: string;
  readonly cursor?: string;
  readonly deleted?: { readonly field: string; readonly value?: Json };
  readonly stampCursor?: boolean;
  readonly pageSize?: number;
}

function side(name: SyncSideName, spec: SideSpec): SyncSideDefinition {
  const connector = connectorOf(spec.type);
  const source = connector.sources?.find((s) => s.type === 'table');
  const destination = connector.destinations?.find((d) => d.type === 'table');
  if (!source || !destination) throw new Error(`${spec.type} has no table source/destination`);
  const where = `sync-test.yaml:${name}`;
  const sourceConfig: JsonObject = { table: spec.table, pageSize: spec.pageSize ?? 500 };
  if (spec.type === 'sqlite') sourceConfig.key = spec.key;
  return {
    side: name,
    label: spec.connection,
    connection: spec.connection,
    source: { type: `${spec.type}.table`, config: source.config.parse(sourceConfig), where },
    destination: { type: `${spec.type}.table`, config: destination.config.parse({ table: spec.table }), where },
    key: spec.key,
    ...(spec.cursor ? { cursor: spec.cursor } : {}),
    ...(spec.deleted ? { deleted: spec.deleted } : {}),
    stampCursor: spec.stampCursor ?? false,
    where,
  };
}

export interface FieldSpec {
  readonly a?: string;
  readonly b?: string;
  readonly direction?: SyncDirection;
  readonly toB?: JsonObject;
  readonly toA?: JsonObject;
  readonly conflict?: ConflictPolicy;
}

export interface SyncSpec {
  readonly name: string;
  readonly a: SideSpec;
  readonly b: SideSpec;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly match?: readonly string[];
  readonly conflicts?: { readonly policy?: ConflictPolicy; readonly skewMs?: number };
  readonly deletes?: SyncDefinition['deletes'];
  readonly batchSize?: number;
  readonly maxAttempts?: number;
}

/** A SyncDefinition with the defaults of the `syncs:` block (docs/sync.md). */
export function syncDefinition(spec: SyncSpec): SyncDefinition {
  const fields: SyncFieldDefinition[] = Object.entries(spec.fields).map(([name, f]) => ({
    name,
    a: f.a ?? name,
    b: f.b ?? name,
    direction: f.direction ?? 'both',
    ...(f.toB ? { toB: f.toB } : {}),
    ...(f.toA ? { toA: f.toA } : {}),
    ...(f.conflict ? { conflict: f.conflict } : {}),
    where: `sync-test.yaml:fields.${name}`,
  }));
  return {
    name: spec.name,
    a: side('a', spec.a),
    b: side('b', spec.b),
    fields,
    ...(spec.match ? { match: { fields: spec.match, normalize: ['trim', 'lowercase'], maxAmbiguous: 100 } } : {}),
    conflicts: { policy: spec.conflicts?.policy ?? 'newest', skewMs: spec.conflicts?.skewMs ?? 60_000 },
    deletes: spec.deletes ?? { policy: 'ignore' },
    batchSize: spec.batchSize ?? 500,
    maxAttempts: spec.maxAttempts ?? 5,
    where: `sync-test.yaml:syncs.${spec.name}`,
  };
}

export function syncProject(
  connections: readonly ConnectionDefinition[],
  syncs: readonly SyncDefinition[],
): ProjectDefinition {
  return {
    file: '/tmp/sync-test.yaml',
    baseDir: '/tmp',
    connections: Object.fromEntries(connections.map((c) => [c.name, c])),
    flows: {},
    syncs: Object.fromEntries(syncs.map((s) => [s.name, s])),
  };
}

/** The seed of a randomized test: SYNC_SEED to replay one, else a fresh one (printed in the test name). */
export function testSeed(): number {
  const given = process.env.SYNC_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}
