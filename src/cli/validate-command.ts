import { flowFileSchema } from '../app/index.js';
import { FlowErrors } from '../sdk/index.js';
import { builtinCatalog } from './builtins.js';
import type { CliRedaction } from './cli-redaction.js';
import { withApp } from './open-app.js';

/**
 * `syncline validate <file> [--connect]`: every problem at once (exit 1), or a short summary of what
 * the file declares. With `connect`, every connection a flow uses is also opened and checked.
 */
export async function validateCommand(
  file: string,
  db?: string,
  options: { connect?: boolean; redaction?: CliRedaction } = {},
): Promise<number> {
  const { project, problems, warnings } = await withApp({ db, file }, { redaction: options.redaction }, (app) =>
    app.validate.check(file, { connect: options.connect === true }),
  );
  for (const w of warnings)
    process.stderr.write(
      `warning: ${w.where ? `${w.where}: ` : ''}${w.message}\n${w.hint ? `  hint: ${w.hint}\n` : ''}`,
    );
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
  process.stdout.write(`${JSON.stringify(flowFileSchema(builtinCatalog), null, 2)}\n`);
  return 0;
}
