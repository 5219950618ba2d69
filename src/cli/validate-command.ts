import { flowFileSchema } from '../app/index.js';
import { FlowErrors } from '../sdk/index.js';
import { builtinCatalog } from './builtins.js';
import type { CliRedaction } from './cli-redaction.js';
import { withApp } from './open-app.js';
import { validSummary } from './validate-summary.js';

/**
 * `syncline validate <file> [--connect]`: every problem at once (exit 1), or a short summary of what
 * the file declares (its flows and syncs). With `connect`, every connection a flow or sync uses is also
 * opened and checked.
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
  process.stdout.write(validSummary(file, project, options.connect === true));
  return 0;
}

/** `syncline schema`: the JSON Schema of flow files, for editor completion and validation. */
export function schemaCommand(): number {
  process.stdout.write(`${JSON.stringify(flowFileSchema(builtinCatalog), null, 2)}\n`);
  return 0;
}
