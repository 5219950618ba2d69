import { createInProcessQueue } from '../../src/app/in-process-queue.js';
import { describeRunQueueConformance } from './run-queue-conformance.js';

describeRunQueueConformance('in-process', async () => ({ queue: createInProcessQueue() }));
