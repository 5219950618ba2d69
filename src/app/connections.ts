import { type ConnectionCheckResult, checkConnections, type Registry } from '../engine/index.js';
import { FlowError } from '../sdk/index.js';
import type { Projects } from './projects.js';

export interface Connections {
  /**
   * Opens each connection declared in the flow file (or the one named) and runs its connector's
   * check (credentials, reachability); CONFIG_UNKNOWN_CONNECTION when the name is not declared.
   */
  check(file: string, name?: string): Promise<ConnectionCheckResult[]>;
}

export function createConnections(deps: { projects: Projects; registry: () => Registry }): Connections {
  return {
    async check(file, name) {
      const project = await deps.projects.load(file);
      const declared = Object.keys(project.connections);
      if (name !== undefined && !declared.includes(name)) {
        throw new FlowError('CONFIG_UNKNOWN_CONNECTION', `connection "${name}" is not declared in ${file}`, {
          hint: `Declared connections: ${declared.join(', ') || '(none)'}.`,
        });
      }
      return checkConnections(deps.registry(), project, name === undefined ? declared : [name]);
    },
  };
}
