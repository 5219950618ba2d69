import type { Step } from '../sdk/index.js';
import { aggregateStep } from './aggregate-step.js';
import { dedupeStep } from './dedupe-step.js';
import { filterStep } from './filter-step.js';
import { lookupStep } from './lookup-step.js';
import { mapStep } from './map-step.js';
import { scriptStep } from './script-step.js';
import { validateStep } from './validate-step.js';

export type { AggregateConfig, AggregateField } from './aggregate-config.js';
export { aggregateConfigSchema } from './aggregate-config.js';
export { AGGREGATE_FLUSH_PAGE, aggregateStep } from './aggregate-step.js';
export type { DedupeConfig } from './dedupe-config.js';
export { dedupeConfigSchema } from './dedupe-config.js';
export { dedupeStep } from './dedupe-step.js';
export { compileExpression, type Expression } from './expression.js';
export { compileFilter, type Predicate } from './filter.js';
export type { FieldCondition, FilterCondition, FilterConfig, FilterOp } from './filter-config.js';
export { filterConfigSchema } from './filter-config.js';
export { filterStep } from './filter-step.js';
export { lookupStep } from './lookup-step.js';
export type { FieldSpec, MapConfig, OnMissing, TransformSpec } from './map-config.js';
export { mapConfigSchema } from './map-config.js';
export { mapStep } from './map-step.js';
export { compileMapping } from './mapping.js';
export type { ScriptConfig } from './script-config.js';
export { scriptConfigSchema } from './script-config.js';
export { type ScriptProcessor, scriptStep } from './script-step.js';
export { compileTemplate, type Template } from './template.js';
export { compileTransforms, transformNames } from './transforms.js';
export { validateStep } from './validate-step.js';

/**
 * The steps every engine registers: `map`, `filter`, `validate`, `lookup` (static tables), `script`
 * (sandboxed JavaScript), `aggregate` (group-by, spilling to the state store) and `dedupe` (repeats by key,
 * within a run and across runs).
 */
export const builtinSteps: readonly Step[] = [
  mapStep,
  filterStep,
  validateStep,
  lookupStep,
  scriptStep,
  aggregateStep,
  dedupeStep,
];
