export type { AutoRetryOptions, AutoRetryResult } from './auto-retry.js';
export { type ConnectionCheckResult, checkConnection, checkConnections } from './check-connection.js';
export { checkProject } from './check-project.js';
export { createEngine, type Engine, type EngineOptions, findFlow } from './engine.js';
export { createEventTrigger, type EventTrigger, type EventTriggerOptions } from './event-trigger.js';
export type { OpenReceiver } from './open-receiver.js';
export type { PreviewResult, PreviewRow } from './preview-flow.js';
export { createRegistry, type Registry } from './registry.js';
export type { RetryOutcome } from './retry-error-record.js';
export {
  defaultRetry,
  type RetryOptions,
  type RetryPolicy,
  resolveRetry,
  retryDelay,
  transientRetry,
} from './retry-policy.js';
export type { RunOptions } from './run-flow.js';
export type { ProgressListener, RunProgress } from './run-progress.js';
export { createScheduler, type Scheduler, type SchedulerOptions, type TriggerOutcome } from './scheduler.js';
