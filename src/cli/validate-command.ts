import type { ProjectDefinition } from '../config/definition.js';
import { projectJsonSchema } from '../config/index.js';
import { checkConnections, checkProject, createRegistry, destinationProblems, type Registry } from '../engine/index.js';
import { FlowError, FlowErrors } from '../sdk/index.js';
import { builtinCatalog } from './builtins.js';
import type { CliRedaction } from './cli-redaction.js';
import { loadFlowFile } from './load-project.js';
import { openCliStore } from './open-cli-store.js';

/** The connections the flows use, each with the first few flows using it. */
function usedConnections(project: ProjectDefinition): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const use = (name: string, flow: string) => {
    if (!project.connections[name]) return;
    const flows = used.get(name) ?? [];
    if (!flows.includes(flow)) flows.push(flow);
    used.set(name, flows);
  };
  for (const flow of Object.values(project.flows)) {
    if (flow.source.upstream === undefined) use(flow.source.connection, flow.name);
    for (const step of flow.steps) {
      const named = (step.config as { connection?: unknown } | null)?.connection;
      if (step.type.includes('.') && typeof named === 'string') use(named, flow.name);
    }
    for (const destination of flow.destinations) use(destination.connection, flow.name);
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
      new FlowError(r.error.code, `${r.error.message} (used by flow ${list})`, {
        kind: r.error.kind,
        ...(r.error.where === undefined ? {} : { where: r.error.where }),
        ...(r.error.hint === undefined ? {} : { hint: r.error.hint }),
      }),
    ];
  });
}

/**
 * `syncline validate <file> [--connect]`: every problem at once (exit 1), or a short summary of what
 * the file declares. With `connect`, every connection a flow uses is also opened and checked.
 */
export async function validateCommand(
  file: string,
  db?: string,
  options: { connect?: boolean; redaction?: CliRedaction } = {},
): Promise<number> {
  const store = await openCliStore({ db, file });
  const project = await loadFlowFile(file, store, options.redaction).finally(() => store.close());
  const registry = createRegistry(builtinCatalog.connectors, builtinCatalog.steps);
  const warnings: FlowError[] = [];
  const problems = await checkProject(registry, project, warnings);
  for (const w of warnings)
    process.stderr.write(
      `warning: ${w.where ? `${w.where}: ` : ''}${w.message}\n${w.hint ? `  hint: ${w.hint}\n` : ''}`,
    );
  if (options.connect)
    problems.push(...(await connectionProblems(registry, project)), ...(await destinationProblems(registry, project)));
  if (problems.length > 0) throw new FlowErrors(problems);
  const flows = Object.values(project.flows);
  const lines = [
    `${file}: valid — ${Object.keys(project.connections).length} connections${options.connect ? ' (each one used opened and checked)' : ''}, ${flows.length} flows`,
  ];
  for (const f of flows) {
    const dests = f.destinations.map((d) => `${d.name} (${d.type})`).join(', ');
    lines.push(
      `  ${f.name}: ${f.source.type} → ${f.steps.map((s) => s.name).join(' → ') || '(no steps)'} → ${dests}${f.schedule ? `  [${f.schedule}]` : ''}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `syncline schema`: the JSON Schema of flow files, for editor completion and validation. */
export function schemaCommand(): number {
  process.stdout.write(`${JSON.stringify(projectJsonSchema(builtinCatalog), null, 2)}\n`);
  return 0;
}
