import { checkProject, createRegistry } from '../engine/index.js';
import { FlowErrors } from '../sdk/index.js';
import { projectJsonSchema } from '../spec/index.js';
import { builtinCatalog } from './builtins.js';
import type { CliRedaction } from './cli-redaction.js';
import { loadFlowFile } from './load-project.js';
import { openCliStore } from './open-cli-store.js';

/** `syncline validate <file>`: every problem at once (exit 1), or a short summary of what the file declares. */
export async function validateCommand(file: string, db?: string, redaction?: CliRedaction): Promise<number> {
  const store = await openCliStore({ db, file });
  const project = await loadFlowFile(file, store, redaction).finally(() => store.close());
  const problems = await checkProject(createRegistry(builtinCatalog.connectors, builtinCatalog.steps), project);
  if (problems.length > 0) throw new FlowErrors(problems);
  const flows = Object.values(project.flows);
  const lines = [`${file}: valid — ${Object.keys(project.connections).length} connections, ${flows.length} flows`];
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
