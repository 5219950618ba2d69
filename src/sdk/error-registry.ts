import { coreErrors } from './core-error-codes.js';
import type { CatalogEntry, ErrorCatalog } from './error-catalog.js';

/** A catalog as registered: the connectors whose `errors` list it (none for the core codes). */
export interface RegisteredCatalog {
  readonly catalog: ErrorCatalog;
  readonly connectors: readonly string[];
}

export interface ErrorRegistry {
  /** The core catalog first, then each connector's in registration order; a catalog shared by several connectors once. */
  readonly catalogs: readonly RegisteredCatalog[];
  /** The entry of a code, from whichever catalog defines it. */
  entry(code: string): CatalogEntry | undefined;
}

/** What a connector contributes to the registry (a `Connector` is one). */
export interface ErrorContributor {
  readonly name: string;
  readonly errors?: readonly ErrorCatalog[];
}

/**
 * Every code Syncline can report with these connectors registered: the core codes plus each connector's
 * catalogs. A code defined by two different catalogs is a mistake (codes have one home): it throws.
 */
export function errorRegistry(connectors: readonly ErrorContributor[]): ErrorRegistry {
  const users = new Map<ErrorCatalog, string[]>([[coreErrors, []]]);
  for (const connector of connectors) {
    for (const catalog of connector.errors ?? []) {
      const list = users.get(catalog) ?? [];
      if (!list.includes(connector.name)) list.push(connector.name);
      users.set(catalog, list);
    }
  }
  const entries = new Map<string, { entry: CatalogEntry; owner: string }>();
  for (const catalog of users.keys()) {
    for (const [code, entry] of Object.entries(catalog.codes) as [string, CatalogEntry][]) {
      const other = entries.get(code);
      if (other !== undefined) {
        throw new Error(
          `error code ${code} is defined by both ${other.owner} and ${catalog.owner}: give it one home (a code several connectors raise belongs in the kit or the sdk)`,
        );
      }
      entries.set(code, { entry, owner: catalog.owner });
    }
  }
  return {
    catalogs: [...users].map(([catalog, connectors]) => ({ catalog, connectors })),
    entry: (code) => entries.get(code)?.entry,
  };
}
