export { checkProject } from './check-project.js';
export { createEngine, type Engine, type EngineOptions, findFlow } from './engine.js';
export type { PreviewResult, PreviewRow } from './preview-flow.js';
export { createRegistry, type Registry } from './registry.js';
export type { RetryOutcome } from './retry-error-record.js';
export { defaultRetry, type RetryOptions, transientRetry } from './retry-policy.js';
export type { RunOptions } from './run-flow.js';
export type { ProgressListener, RunProgress } from './run-progress.js';
