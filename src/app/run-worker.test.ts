import { describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { createInProcessQueue, type RunRequest } from '../queue/index.js';
import { FlowError } from '../sdk/index.js';
import type { RunRow } from '../store/state-store.js';
import { type RunOutcome, runWorker } from './run-worker.js';

const project: ProjectDefinition = {
  file: '/srv/flows/orders.yaml',
  baseDir: '/srv/flows',
  connections: {},
  flows: { f: { name: 'f', where: 'x' } as FlowDefinition },
};

const request = (file: string): RunRequest => ({
  file,
  flow: 'f',
  trigger: 'manual',
  fromStart: false,
  full: false,
  requestedAt: new Date(0).toISOString(),
});

describe('run worker', () => {
  it("runs a request of its project's flow file, and refuses one of another file instead of running it as this one's", async () => {
    const queue = createInProcessQueue();
    const ran: string[] = [];
    const outcomes: { file: string; outcome: RunOutcome }[] = [];
    const stop = new AbortController();
    const working = runWorker(
      {
        queue,
        project,
        run: async (p, flow) => {
          ran.push(`${p.file}#${flow}`);
          return { id: ran.length, flow, status: 'succeeded' } as RunRow;
        },
        requestNext: async () => undefined,
        settled: (job, outcome) => outcomes.push({ file: job.request.file, outcome }),
      },
      stop.signal,
    );
    await queue.enqueue(request('/srv/flows/other.yaml'));
    await queue.enqueue(request(project.file));
    await expect.poll(() => outcomes.length).toBe(2);
    stop.abort();
    await working;

    expect(ran).toEqual(['/srv/flows/orders.yaml#f']);
    const refused = outcomes.find((o) => o.file === '/srv/flows/other.yaml')?.outcome;
    expect(refused && 'error' in refused && refused.error).toBeInstanceOf(FlowError);
    expect(refused && 'error' in refused && (refused.error as FlowError).message).toBe(
      'run request for flow f of /srv/flows/other.yaml reached the worker of /srv/flows/orders.yaml',
    );
  });
});
