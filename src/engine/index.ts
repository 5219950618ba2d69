export { type AutoRetryOptions, type AutoRetryResult, autoRetryRound } from './auto-retry.js';
export { type ConnectionCheckResult, checkConnection, checkConnections } from './check-connection.js';
export { checkProject, destinationProblems } from './check-project.js';
export { syncSideProblems } from './check-sync-sides.js';
export { createEngine, type Engine, type EngineOptions, findFlow } from './engine.js';
export { createEventTrigger, type EventTrigger, type EventTriggerOptions } from './event-trigger.js';
export type { FlowState } from './flow-state.js';
export type { OpenReceiver } from './open-receiver.js';
export type { PreviewResult, PreviewRow } from './preview-flow.js';
export { createRegistry, type Registry } from './registry.js';
export type { ResolveOptions } from './resolve-error-record.js';
export type { RetryOutcome, RetryResult } from './retry-error-record.js';
export {
  defaultRetry,
  type RetryOptions,
  type RetryPolicy,
  resolveRetry,
  retryDelay,
  transientRetry,
} from './retry-policy.js';
export { nextStages } from './run-chain.js';
export type {
  ErrorResolved,
  ErrorRetried,
  PageCommitted,
  RecordFailed,
  RunEnded,
  RunEvent,
  RunEventType,
  RunProgress,
  RunRequested,
  RunStarted,
} from './run-event.js';
export {
  createRunEvents,
  type RunEventListener,
  type RunEventPublisher,
  type RunEvents,
  type Unsubscribe,
} from './run-events.js';
export type { RunOptions } from './run-flow.js';
export { createScheduler, type Scheduler, type SchedulerOptions, type TriggerOutcome } from './scheduler.js';
