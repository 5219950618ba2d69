import type { Catalog } from '../config/catalog.js';
import type { ProjectDefinition } from '../config/definition.js';
import { projectJsonSchema } from '../config/index.js';
import {
  checkConnections,
  checkProject,
  destinationProblems,
  type Registry,
  syncSideProblems,
} from '../engine/index.js';
import { FlowError } from '../sdk/index.js';
import type { Projects } from './projects.js';

export interface Validation {
  readonly project: ProjectDefinition;
  /** Every problem at once (empty: the file is valid). */
  readonly problems: FlowError[];
  readonly warnings: FlowError[];
}

export interface Validate {
  /** Checks a flow file; with `connect`, every connection a flow or sync uses is also opened and checked, and each destination's (and sync side's) table. */
  check(file: string, options?: { connect?: boolean }): Promise<Validation>;
}

/** The connections the flows and syncs use, each with the first few users (`flow x`, `sync y`). */
function usedConnections(project: ProjectDefinition): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const use = (name: string, flow: string) => {
    if (!project.connections[name]) return;
    const flows = used.get(name) ?? [];
    if (!flows.includes(flow)) flows.push(flow);
    used.set(name, flows);
  };
  for (const flow of Object.values(project.flows)) {
    const user = `flow ${flow.name}`;
    if (flow.source.upstream === undefined) use(flow.source.connection, user);
    for (const step of flow.steps) {
      const named = (step.config as { connection?: unknown } | null)?.connection;
      if (step.type.includes('.') && typeof named === 'string') use(named, user);
    }
    for (const destination of flow.destinations) use(destination.connection, user);
  }
  for (const sync of Object.values(project.syncs ?? {})) {
    use(sync.a.connection, `sync ${sync.name}`);
    use(sync.b.connection, `sync ${sync.name}`);
  }
  return used;
}

/** `--connect`: opens every connection a flow uses and runs its check; each failure names the flows using it. */
async function connectionProblems(registry: Registry, project: ProjectDefinition): Promise<FlowError[]> {
  const used = usedConnections(project);
  const results = await checkConnections(registry, project, [...used.keys()]);
  return results.flatMap((r) => {
    if (r.error === undefined) return [];
    const flows = used.get(r.name) ?? [];
    const list = flows.length > 3 ? `${flows.slice(0, 3).join(', ')} and ${flows.length - 3} more` : flows.join(', ');
    return [
      new FlowError(r.error.code, `${r.error.message} (used by ${list})`, {
        kind: r.error.kind,
        ...(r.error.where === undefined ? {} : { where: r.error.where }),
        ...(r.error.hint === undefined ? {} : { hint: r.error.hint }),
        ...(r.error.next === undefined ? {} : { next: r.error.next }),
      }),
    ];
  });
}

export function createValidate(deps: { projects: Projects; registry: () => Registry }): Validate {
  return {
    async check(file, options = {}) {
      const project = await deps.projects.load(file);
      const registry = deps.registry();
      const warnings: FlowError[] = [];
      const problems = await checkProject(registry, project, warnings);
      // the servers: every connection opens, every SQL destination's table and columns exist
      if (options.connect)
        problems.push(
          ...(await connectionProblems(registry, project)),
          ...(await destinationProblems(registry, project)),
          ...(await syncSideProblems(registry, project)),
        );
      return { project, problems, warnings };
    },
  };
}

/** The JSON Schema of flow files with the catalog's components, for editors (needs no store). */
export function flowFileSchema(catalog: Catalog): object {
  return projectJsonSchema(catalog);
}
