import { resolve } from 'node:path';
import type { ProjectDefinition } from '../spec/definition.js';
import { loadProject } from '../spec/index.js';
import { builtinCatalog } from './builtins.js';

/** Loads and validates a flow file with the bundled connectors and steps. */
export function loadFlowFile(file: string): Promise<ProjectDefinition> {
  return loadProject(resolve(file), builtinCatalog);
}
