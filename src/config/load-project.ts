import { readFile } from 'node:fs/promises';
import { FlowError } from '../sdk/index.js';
import type { Catalog } from './catalog.js';
import type { ProjectDefinition } from './definition.js';
import { type ProjectOptions, parseProject } from './parse-project.js';

/**
 * Reads, parses and validates a flow file. Throws FlowError FILE_NOT_FOUND when it cannot be
 * read, FlowErrors with every problem when it is invalid.
 */
export async function loadProject(
  file: string,
  catalog: Catalog,
  options: ProjectOptions = {},
): Promise<ProjectDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new FlowError('FILE_NOT_FOUND', `flow file ${file} ${reason}`, {
      where: file,
      hint: `Check the path (relative paths are resolved against the current folder, ${process.cwd()}).`,
      cause: error,
    });
  }
  return parseProject(text, file, catalog, options);
}
