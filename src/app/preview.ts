import type { Engine, PreviewResult } from '../engine/index.js';
import type { Projects } from './projects.js';

export interface Preview {
  /** The first `limit` records of a flow through its steps; nothing is written. */
  flow(file: string, flow: string, limit: number): Promise<PreviewResult>;
}

export function createPreview(deps: { projects: Projects; engine: () => Engine }): Preview {
  return {
    async flow(file, flow, limit) {
      const project = await deps.projects.load(file, { flows: [flow] });
      return deps.engine().preview(project, flow, limit);
    },
  };
}
