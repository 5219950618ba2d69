import { dirname, resolve } from 'node:path';
import { createRedactor } from '../sdk/index.js';
import { type Catalog, indexCatalog } from './catalog.js';
import { checkKeys } from './check-keys.js';
import { checkPipelines } from './check-pipelines.js';
import type { ConnectionDefinition, FlowDefinition, ProjectDefinition } from './definition.js';
import { type Env, secretVariable } from './expand-references.js';
import { parseConfig } from './parse-config.js';
import { declaredConnectionTypes, parseConnection } from './parse-connections.js';
import type { ParseContext } from './parse-context.js';
import { parseFlow } from './parse-flow.js';
import { parseNotify } from './parse-notify.js';
import { parseSyncs } from './parse-syncs.js';
import { parseYaml } from './parse-yaml.js';
import { createProblemList } from './problems.js';
import { resolveReferences, resolveValueReferences } from './resolve-references.js';
import { projectSchema } from './structure.js';

export interface ProjectOptions {
  /** Where `${env:X}` and `${secret:X}` (`SYNCLINE_SECRET_X`) are looked up. Default: process.env. */
  readonly env?: Env;
  /**
   * Check and return only these flows and the flows of their pipelines (`next:`, and the flow a stage
   * reads): what `run <file> <flow>` needs. The YAML is still read whole; the other flows are not
   * checked. Sync names among them check only those syncs. A name the file does not declare checks
   * every flow and sync (and the caller reports the name).
   */
  readonly flows?: readonly string[];
}

/** Every secret the process knows (`SYNCLINE_SECRET_*`, stored ones included), used in the file or not. */
function secretValues(env: Env): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    name.startsWith(secretVariable('')) && value !== undefined ? [value] : [],
  );
}

function entries(value: unknown): [string, unknown][] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

function nextNames(flow: unknown): string[] {
  const next = typeof flow === 'object' && flow !== null ? (flow as Record<string, unknown>).next : undefined;
  if (typeof next === 'string') return [next];
  return Array.isArray(next) ? next.filter((n): n is string => typeof n === 'string') : [];
}

function upstreamName(flow: unknown): string | undefined {
  const source = typeof flow === 'object' && flow !== null ? (flow as Record<string, unknown>).source : undefined;
  const upstream = typeof source === 'object' && source !== null ? (source as Record<string, unknown>).flow : undefined;
  return typeof upstream === 'string' ? upstream : undefined;
}

/** The entries of `wanted` and of every flow their pipelines reach; all entries when `wanted` is not given. */
function onlyNeeded(all: [string, unknown][], wanted: readonly string[] | undefined): [string, unknown][] {
  if (wanted === undefined) return all;
  const byName = new Map(all);
  if (!wanted.every((name) => byName.has(name))) return all;
  const needed = new Set<string>();
  const queue = [...wanted];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (needed.has(name) || !byName.has(name)) continue;
    needed.add(name);
    const flow = byName.get(name);
    queue.push(...nextNames(flow));
    const upstream = upstreamName(flow);
    // the stage's upstream is checked against it (its next: must name the stage), not run
    if (upstream !== undefined && byName.has(upstream)) needed.add(upstream);
  }
  return all.filter(([name]) => needed.has(name));
}

/**
 * `run <file> <name>` names flows, syncs or both: the flows to check (undefined: all) and the syncs
 * (undefined: all). A name neither declares checks everything (the caller reports the name).
 */
function neededSyncs(
  wanted: readonly string[] | undefined,
  flowNames: ReadonlySet<string>,
  syncNames: ReadonlySet<string>,
): { flows: readonly string[] | undefined; syncs: ReadonlySet<string> | undefined } {
  if (wanted === undefined || wanted.some((name) => !flowNames.has(name) && !syncNames.has(name)))
    return { flows: undefined, syncs: undefined };
  const syncs = wanted.filter((name) => syncNames.has(name));
  if (syncs.length === 0) return { flows: wanted, syncs: new Set() };
  return { flows: wanted.filter((name) => !syncNames.has(name)), syncs: new Set(syncs) };
}

/**
 * Parses and validates a flow file's text. Throws `FlowErrors` listing every problem, each with
 * `file:line:col`, a message naming the path and a hint. `file` is used in messages and for baseDir.
 */
export function parseProject(
  text: string,
  file: string,
  catalog: Catalog,
  options: ProjectOptions = {},
): ProjectDefinition {
  const problems = createProblemList();
  const parsed = parseYaml(text, file, problems);
  if (parsed.fatal) problems.throwIfAny();
  const { doc, locator } = parsed;
  const env = options.env ?? process.env;
  const used =
    doc === undefined
      ? resolveValueReferences(parsed.value, env, parsed.tokens, locator, problems)
      : resolveReferences(doc, env, parsed.tokens, locator, problems);

  let root: unknown = parsed.value;
  try {
    if (doc !== undefined) root = doc.toJS({ maxAliasCount: 10_000 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.add('CONFIG_YAML_SYNTAX', locator.at([]), `cannot read the YAML: ${message}`, 'Use fewer aliases.');
    problems.throwIfAny();
  }
  const ctx: ParseContext = {
    locator,
    problems,
    catalog: indexCatalog(catalog),
    connectionTypes: declaredConnectionTypes(
      typeof root === 'object' && root !== null ? (root as Record<string, unknown>).connections : undefined,
    ),
  };
  if (root === null || root === undefined) {
    problems.add(
      'CONFIG_INVALID',
      locator.at([]),
      'the flow file is empty',
      'Declare `connections:` and `flows:`; see docs/flow-file.md for a complete example.',
    );
    problems.throwIfAny();
  }
  // `x-…` keys hold shared fragments for anchors (`x-defaults: { db: &db {…} }`) and are ignored.
  const checked =
    entries(root).length > 0 ? Object.fromEntries(entries(root).filter(([k]) => !k.startsWith('x-'))) : root;
  parseConfig(projectSchema, checked, [], ctx, { note: '(and any key starting with x-)' });

  const connections: Record<string, ConnectionDefinition> = {};
  for (const [name, value] of entries((root as Record<string, unknown>).connections)) {
    const connection = parseConnection(name, value, ctx);
    if (connection) connections[name] = connection;
  }
  const flows: Record<string, FlowDefinition> = {};
  const allFlows = entries((root as Record<string, unknown>).flows);
  const syncNames = new Set(entries((root as Record<string, unknown>).syncs).map(([name]) => name));
  const flowNames = new Set(allFlows.map(([name]) => name));
  const wanted = neededSyncs(options.flows, flowNames, syncNames);
  const flowEntries = wanted.flows === undefined || wanted.flows.length > 0 ? onlyNeeded(allFlows, wanted.flows) : [];
  if (allFlows.length === 0 && syncNames.size === 0 && problems.count === 0) {
    problems.add(
      'CONFIG_INVALID',
      locator.at(['flows']),
      'flows: the file declares no flow (and no sync)',
      'Add a flow under `flows:` with a `source:` and `destinations:`, or a sync under `syncs:`.',
    );
  }
  for (const [name, value] of flowEntries) {
    const flow = parseFlow(name, value, ctx);
    if (flow) flows[name] = flow;
  }
  checkPipelines(
    flows,
    ctx,
    entries((root as Record<string, unknown>).flows).map(([name]) => name),
  );
  checkKeys(flows, ctx);
  const syncs = parseSyncs((root as Record<string, unknown>).syncs, flowNames, ctx, wanted.syncs);
  const notify = parseNotify((root as Record<string, unknown>).notify, ['notify'], ctx);
  problems.throwIfAny();
  const absolute = resolve(file);
  return {
    file: absolute,
    baseDir: dirname(absolute),
    connections,
    flows,
    ...(syncNames.size === 0 ? {} : { syncs }),
    ...(notify === undefined ? {} : { notify }),
    redactor: createRedactor({ secrets: [...used.secrets, ...secretValues(env)], env: used.env }),
  };
}
