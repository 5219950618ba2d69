import { type Connector, type Destination, FlowError, type Source, type Step } from '../sdk/index.js';
import { stageSource } from './stage-source.js';

/** Looks up components by the names flow files use; built once from the registered connectors and steps. */
export interface Registry {
  readonly connectors: readonly Connector[];
  readonly steps: readonly Step[];
  connector(name: string): Connector;
  source(type: string): Source;
  destination(type: string): Destination;
  step(type: string): Step;
}

function index<T>(entries: Iterable<[string, T]>): Map<string, T> {
  return new Map(entries);
}

function find<T>(map: Map<string, T>, kind: string, name: string): T {
  const found = map.get(name);
  if (found !== undefined) return found;
  throw new FlowError('CONFIG_UNKNOWN_TYPE', `unknown ${kind} type "${name}"`, {
    hint: `registered ${kind} types: ${[...map.keys()].join(', ') || '(none)'}`,
  });
}

export function createRegistry(connectors: readonly Connector[], steps: readonly Step[]): Registry {
  const byName = index(connectors.map((c) => [c.name, c]));
  const sources = index([
    ...connectors.flatMap((c) => (c.sources ?? []).map((s) => [`${c.name}.${s.type}`, s] as [string, Source])),
    // pipeline stages read what the previous flow handed on: built in, no connection
    [stageSource.type, stageSource] as [string, Source],
  ]);
  const destinations = index(
    connectors.flatMap((c) => (c.destinations ?? []).map((d) => [`${c.name}.${d.type}`, d] as [string, Destination])),
  );
  const allSteps = index([
    ...steps.map((s) => [s.type, s] as [string, Step]),
    ...connectors.flatMap((c) => (c.steps ?? []).map((s) => [`${c.name}.${s.type}`, s] as [string, Step])),
  ]);
  return {
    connectors,
    steps,
    connector: (name) => find(byName, 'connection', name),
    source: (type) => find(sources, 'source', type),
    destination: (type) => find(destinations, 'destination', type),
    step: (type) => find(allSteps, 'step', type),
  };
}
