import { FlowError, noMetrics, silentLogger, systemClock, toFlowError } from '../sdk/index.js';
import type { ProjectDefinition } from '../spec/definition.js';
import { makeContext } from './make-context.js';
import type { Registry } from './registry.js';

/**
 * Compiles every built-in step of every flow (mappings, templates, expressions, filters) without
 * opening any connection, so `syncline validate` catches what the schemas alone cannot.
 */
export async function checkProject(registry: Registry, project: ProjectDefinition): Promise<FlowError[]> {
  const problems: FlowError[] = [];
  for (const flow of Object.values(project.flows)) {
    const ctx = makeContext({
      runId: 'validate',
      flow: flow.name,
      signal: new AbortController().signal,
      clock: systemClock,
      log: silentLogger,
      metrics: noMetrics,
      baseDir: project.baseDir,
    });
    // connector steps (`postgres.lookup`) need their connection open: they are compiled at run start
    for (const step of flow.steps.filter((s) => !s.type.includes('.'))) {
      const where = `flow ${flow.name}/step ${step.name} (${step.where})`;
      try {
        const processor = await registry.step(step.type).create({ config: step.config, where }, ctx);
        await processor.close?.();
      } catch (error) {
        const e = toFlowError(error);
        problems.push(e.where ? e : new FlowError(e.code, e.message, { kind: e.kind, where, cause: error }));
      }
    }
  }
  return problems;
}
