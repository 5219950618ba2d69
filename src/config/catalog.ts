import type { z } from 'zod';
import type { Connector, Destination, Source, Step } from '../sdk/index.js';

/** The components a flow file may use: registered connectors and the built-in steps. */
export interface Catalog {
  readonly connectors: readonly Connector[];
  readonly steps: readonly Step[];
  /** The schema of `notify:` blocks (error notifications), when the host offers them. */
  readonly notify?: z.ZodType;
}

export interface CatalogEntry<T> {
  /** The connector offering it (none for built-in steps). */
  readonly connector: Connector | undefined;
  readonly component: T;
}

/** The catalog by the names flow files use: `sqlite`, `file.csv`, `map`, `sqlite.lookup`. */
export interface CatalogIndex {
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly sources: ReadonlyMap<string, CatalogEntry<Source>>;
  readonly destinations: ReadonlyMap<string, CatalogEntry<Destination>>;
  readonly steps: ReadonlyMap<string, CatalogEntry<Step>>;
  readonly notify?: z.ZodType;
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  const connectors = new Map<string, Connector>();
  const sources = new Map<string, CatalogEntry<Source>>();
  const destinations = new Map<string, CatalogEntry<Destination>>();
  const steps = new Map<string, CatalogEntry<Step>>();
  for (const step of catalog.steps) steps.set(step.type, { connector: undefined, component: step });
  for (const connector of catalog.connectors) {
    connectors.set(connector.name, connector);
    for (const source of connector.sources ?? []) {
      sources.set(`${connector.name}.${source.type}`, { connector, component: source });
    }
    for (const destination of connector.destinations ?? []) {
      destinations.set(`${connector.name}.${destination.type}`, { connector, component: destination });
    }
    for (const step of connector.steps ?? []) {
      steps.set(`${connector.name}.${step.type}`, { connector, component: step });
    }
  }
  return { connectors, sources, destinations, steps, ...(catalog.notify ? { notify: catalog.notify } : {}) };
}

/** `a, b, c` or `(none)`: for hints. */
export function listNames(names: Iterable<string>): string {
  const list = [...names].sort();
  return list.length === 0 ? '(none registered)' : list.join(', ');
}
