import { mappedFields } from '../config/check-keys.js';
import { didYouMean } from '../config/closest.js';
import type { FlowDefinition, ProjectDefinition, StepDefinition } from '../config/definition.js';
import type { Context } from '../sdk/index.js';
import { FlowError, FlowErrors, noMetrics, silentLogger, systemClock, toFlowError } from '../sdk/index.js';
import { checkSyncs } from './check-syncs.js';
import { makeContext } from './make-context.js';
import type { Registry } from './registry.js';
import { validateConnections, validateContext } from './validate-connections.js';

/** The location of the field a compile error names (or of the nearest field holding it), else the step's. */
function fieldWhere(step: StepDefinition, field: string | undefined): string | undefined {
  if (field === undefined || step.fieldWhere === undefined) return undefined;
  let f = field;
  for (;;) {
    const found = step.fieldWhere(f);
    if (found !== undefined) return found;
    // `email.transform[1]` → `email.transform` → `email`
    const shorter = f.replace(/(\.[^.[]*|\[\d+\])$/, '');
    if (shorter === f || shorter === '') return undefined;
    f = shorter;
  }
}

function located(
  e: FlowError,
  flow: string,
  index: number,
  step: StepDefinition,
  where: string,
  cause: unknown,
): FlowError {
  const at = fieldWhere(step, e.field);
  if (at === undefined) return e.where ? e : new FlowError(e.code, e.message, { kind: e.kind, where, cause });
  const path = `flows.${flow}.steps[${index}].${step.type}`;
  const message =
    e.field !== undefined && e.message.startsWith(`${e.field}: `) ? `${path}.${e.message}` : `${path}: ${e.message}`;
  return new FlowError(e.code, message, {
    kind: e.kind,
    where: at,
    ...(e.hint === undefined ? {} : { hint: e.hint }),
    ...(e.next === undefined ? {} : { next: e.next }),
    ...(e.field === undefined ? {} : { field: e.field }),
    cause,
  });
}

/** The source's own validate-time checks (`Source.validate`, e.g. typed CSV columns against the header). */
async function sourceProblems(registry: Registry, project: ProjectDefinition, flow: FlowDefinition, ctx: Context) {
  const def = flow.source;
  const connection = project.connections[def.connection];
  if (def.upstream !== undefined || !connection) return [];
  const source = registry.source(def.type);
  if (!source.validate) return [];
  const found = await source.validate({ config: def.config, connectionConfig: connection.config }, ctx);
  return found.map((p) => {
    const last = p.field.slice(p.field.lastIndexOf('.') + 1);
    const hint = `${p.candidates ? didYouMean(last, p.candidates) : ''}${p.hint ?? ''}`;
    const at = def.fieldWhere?.(p.field) ?? def.fieldWhere?.(p.field.split('.')[0] ?? '') ?? def.where;
    const error = new FlowError('CONFIG_INVALID', `flows.${flow.name}.source.${p.field}: ${p.message}`, {
      where: at,
      field: p.field,
      ...(hint === '' ? {} : { hint }),
    });
    return { error, warning: p.warning === true };
  });
}

/** The checks of one flow: its source's validate-time checks, and each built-in step compiled. */
async function checkFlow(
  registry: Registry,
  project: ProjectDefinition,
  flow: FlowDefinition,
): Promise<{ problems: FlowError[]; warnings: FlowError[] }> {
  const problems: FlowError[] = [];
  const warnings: FlowError[] = [];
  const ctx = makeContext({
    runId: 'validate',
    flow: flow.name,
    signal: new AbortController().signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: project.baseDir,
  });
  try {
    for (const found of await sourceProblems(registry, project, flow, ctx))
      (found.warning ? warnings : problems).push(found.error);
  } catch (error) {
    problems.push(toFlowError(error));
  }
  for (const [index, step] of flow.steps.entries()) {
    // connector steps (`postgres.lookup`) need their connection open: they are compiled at run start
    if (step.type.includes('.')) continue;
    const where = `flow ${flow.name}/step ${step.name} (${step.where})`;
    try {
      const processor = await registry.step(step.type).create({ config: step.config, where }, ctx);
      await processor.close?.();
    } catch (error) {
      const e = toFlowError(error);
      // a step reports all of its problems at once (as the first one's cause): each at its own field
      const all = e.cause instanceof FlowErrors ? e.cause.errors : [e];
      for (const one of all) problems.push(located(one, flow.name, index, step, where, error));
    }
  }
  return { problems, warnings };
}

/** Flows checked at once: their source checks wait on the disk (a file's header), not on the CPU. */
const FLOWS_AT_ONCE = 16;

/**
 * Compiles every built-in step of every flow (mappings, templates, expressions, filters), and every
 * sync field's `toA` / `toB`, without opening any connection, so `syncline validate` catches what the schemas alone cannot. Problems and
 * warnings come in flow order.
 */
export async function checkProject(
  registry: Registry,
  project: ProjectDefinition,
  /** Receives what may be fine at run time (a source file not written yet): shown, not failing validate. */
  warnings: FlowError[] = [],
): Promise<FlowError[]> {
  const problems: FlowError[] = [];
  const flows = Object.values(project.flows);
  for (let i = 0; i < flows.length; i += FLOWS_AT_ONCE) {
    const checked = await Promise.all(
      flows.slice(i, i + FLOWS_AT_ONCE).map((flow) => checkFlow(registry, project, flow)),
    );
    for (const one of checked) {
      problems.push(...one.problems);
      warnings.push(...one.warnings);
    }
  }
  problems.push(...(await checkSyncs(registry, project)));
  return problems;
}

/**
 * `validate --connect`: each destination with a validate hook (the SQL tables) checked against its
 * server — the table exists (or the destination creates it), and has the key columns and the columns
 * the records fill. Each connection is opened once and closed; one that cannot be opened is left to
 * the connection check, which reports it.
 */
export async function destinationProblems(registry: Registry, project: ProjectDefinition): Promise<FlowError[]> {
  const problems: FlowError[] = [];
  const ctx = validateContext(project);
  const connections = validateConnections(registry, project, ctx);
  const open = (name: string) => connections.open(name);
  try {
    for (const flow of Object.values(project.flows)) {
      const fields = mappedFields(flow)?.fields;
      for (const [index, d] of flow.destinations.entries()) {
        const destination = registry.destination(d.type);
        if (!destination.validate) continue;
        const connection = await open(d.connection);
        if (connection === undefined) continue;
        const path = `flows.${flow.name}.destinations[${index}]`;
        try {
          const found = await destination.validate(
            { config: d.config, connection: connection.connection, ...(fields ? { fields } : {}) },
            ctx,
          );
          for (const p of found) {
            const wrong = /no column (\S+);/.exec(p.message)?.[1];
            const hint = `${p.candidates && wrong ? didYouMean(wrong, p.candidates) : ''}${p.hint ?? ''}`;
            problems.push(
              new FlowError('CONFIG_INVALID', `${path}.${p.field} (destination ${d.name}): ${p.message}`, {
                where: d.where,
                field: p.field,
                ...(hint === '' ? {} : { hint }),
              }),
            );
          }
        } catch (error) {
          const e = toFlowError(error);
          problems.push(
            new FlowError(e.code, `${path} (destination ${d.name}): ${e.message}`, {
              kind: e.kind,
              where: d.where,
              ...(e.hint === undefined ? {} : { hint: e.hint }),
              ...(e.next === undefined ? {} : { next: e.next }),
              cause: error,
            }),
          );
        }
      }
    }
  } finally {
    await connections.closeAll();
  }
  return problems;
}
