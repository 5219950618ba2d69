export { createInProcessQueue } from './in-process-queue.js';
export type {
  Enqueued,
  EnqueueOptions,
  Overlap,
  QueuedRun,
  RunQueue,
  RunRequest,
  RunRequestState,
  RunTrigger,
} from './run-queue.js';
