import { Cron } from 'croner';
import type { ProjectDefinition } from '../config/definition.js';
import { type Clock, FlowError, type Logger, toFlowError } from '../sdk/index.js';

export type TriggerOutcome = 'started' | 'queued' | 'skipped';

export interface SchedulerOptions {
  readonly project: ProjectDefinition;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Requests a run of the flow (src/app/runs.ts: the run queue applies the flow's `overlap:`, so
   * runs of one flow never overlap) and tells what became of the request.
   */
  request(flow: string, trigger: 'schedule' | 'manual'): Promise<TriggerOutcome>;
}

/** Requests runs of a project's flows on their cron schedules and on request. */
export interface Scheduler {
  /** Flows with a schedule. */
  readonly scheduled: readonly string[];
  /** Requests a run now: started, or queued or skipped as the flow's `overlap` says when one is active. */
  trigger(flow: string, trigger: 'schedule' | 'manual'): Promise<TriggerOutcome>;
  /** When the flow's schedule fires next (null without a schedule). */
  nextRun(flow: string): Date | null;
  /** Stops the schedules (the runs they requested are the run service's to stop). */
  stop(): Promise<void>;
}

/**
 * Cron schedules (croner, in the flow's time zone, so 03:00 stays 03:00 across daylight-saving
 * changes) and manual triggers, each a run request. A tick while the flow still runs is skipped — and
 * recorded as a `skipped` run, so it shows in `syncline runs` — or, with `overlap: queue`, one run
 * starts when the current one ends: the run queue decides (src/app/in-process-queue.ts).
 */
export function createScheduler(o: SchedulerOptions): Scheduler {
  const jobs = new Map<string, Cron>();
  let stopped = false;

  async function trigger(flow: string, how: 'schedule' | 'manual'): Promise<TriggerOutcome> {
    if (!o.project.flows[flow]) throw new FlowError('FLOW_NOT_FOUND', `no flow named "${flow}" in ${o.project.file}`);
    if (stopped) return 'skipped';
    return o.request(flow, how);
  }

  for (const flow of Object.values(o.project.flows)) {
    if (!flow.schedule) continue;
    const job = new Cron(flow.schedule, { ...(flow.timezone ? { timezone: flow.timezone } : {}), unref: true }, () => {
      trigger(flow.name, 'schedule').catch((error: unknown) =>
        o.log.error(
          { flow: flow.name, code: toFlowError(error).code, error: String(error) },
          'scheduled run not requested',
        ),
      );
    });
    jobs.set(flow.name, job);
  }

  return {
    scheduled: [...jobs.keys()],
    trigger,
    nextRun: (flow) => jobs.get(flow)?.nextRun() ?? null,
    async stop() {
      stopped = true;
      for (const job of jobs.values()) job.stop();
    },
  };
}
