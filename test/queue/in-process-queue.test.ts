import { createInProcessQueue } from '../../src/queue/index.js';
import { describeRunQueueConformance } from './run-queue-conformance.js';

describeRunQueueConformance('in-process', async () => ({ queue: createInProcessQueue() }));
