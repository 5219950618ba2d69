import { Cron } from 'croner';
import type { ProjectDefinition } from '../config/definition.js';
import { type Clock, FlowError, type Logger, type Timer, toFlowError } from '../sdk/index.js';

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

/** Requests runs of a project's flows and syncs on their cron schedules and on request. */
export interface Scheduler {
  /** Flows and syncs with a schedule. */
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
 * changes) and manual triggers, each a run request. croner only computes the next fire time, from the
 * injected clock's now; the wait is a timer on that clock, so a manual clock can cross a daylight-saving
 * change. A tick while the flow still runs is skipped — and recorded as a `skipped` run, so it shows in
 * `syncline runs` — or, with `overlap: queue`, one run starts when the current one ends: the run queue
 * decides (src/queue/in-process-queue.ts).
 */
export function createScheduler(o: SchedulerOptions): Scheduler {
  const jobs = new Map<string, Cron>();
  const waits = new Map<string, Timer>();
  let stopped = false;

  async function trigger(flow: string, how: 'schedule' | 'manual'): Promise<TriggerOutcome> {
    if (!o.project.flows[flow] && !o.project.syncs?.[flow])
      throw new FlowError('FLOW_NOT_FOUND', `no flow or sync named "${flow}" in ${o.project.file}`);
    if (stopped) return 'skipped';
    return o.request(flow, how);
  }

  /** Waits on the clock for the schedule's next time after `from`, triggers, and waits for the one after. */
  const arm = (flow: string, job: Cron, from: Date) => {
    const next = stopped ? null : job.nextRun(from);
    if (next === null) return;
    const due = next.getTime();
    waits.set(
      flow,
      o.clock.setTimer(due - o.clock.now().getTime(), () => {
        trigger(flow, 'schedule').catch((error: unknown) =>
          o.log.error({ flow, code: toFlowError(error).code, error: String(error) }, 'scheduled run not requested'),
        );
        // from the later of now and the due time: a timer that fired a little early does not fire twice
        arm(flow, job, new Date(Math.max(due, o.clock.now().getTime())));
      }),
    );
  };
  // syncs run on their schedules exactly like flows (a run request by name)
  for (const flow of [...Object.values(o.project.flows), ...Object.values(o.project.syncs ?? {})]) {
    if (!flow.schedule) continue;
    const job = new Cron(flow.schedule, flow.timezone ? { timezone: flow.timezone } : {});
    jobs.set(flow.name, job);
    arm(flow.name, job, o.clock.now());
  }

  return {
    scheduled: [...jobs.keys()],
    trigger,
    nextRun: (flow) => jobs.get(flow)?.nextRun(o.clock.now()) ?? null,
    async stop() {
      stopped = true;
      for (const wait of waits.values()) wait.cancel();
    },
  };
}
