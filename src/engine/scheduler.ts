import { Cron } from 'croner';
import type { ProjectDefinition } from '../config/definition.js';
import { type Clock, FlowError, type Logger, type Timer, toFlowError } from '../sdk/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';
import type { RunOptions } from './run-flow.js';

export type TriggerOutcome = 'started' | 'queued' | 'skipped';

export interface SchedulerOptions {
  readonly project: ProjectDefinition;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly host: string;
  readonly pid: number;
  run(project: ProjectDefinition, flow: string, options: RunOptions): Promise<RunRow>;
}

/** Starts runs of a project's flows on their cron schedules and on request; runs of one flow never overlap. */
export interface Scheduler {
  /** Flows with a schedule. */
  readonly scheduled: readonly string[];
  /** Starts a run now, or queues or skips it as the flow's `overlap` says when one is active. */
  trigger(flow: string, trigger: 'schedule' | 'manual'): Promise<TriggerOutcome>;
  /** When the flow's schedule fires next (null without a schedule). */
  nextRun(flow: string): Date | null;
  /** Stops the schedules, cancels running runs at their next page boundary and waits for them. */
  stop(): Promise<void>;
}

interface FlowState {
  running: Promise<void> | undefined;
  runId: number | undefined;
  queued: boolean;
}

/**
 * Cron schedules (croner, in the flow's time zone, so 03:00 stays 03:00 across daylight-saving
 * changes) and manual triggers. croner only computes the next fire time, from the injected clock's
 * now; the wait is a timer on that clock, so a manual clock can cross a daylight-saving change. A tick while the flow still runs is skipped — and recorded as a
 * `skipped` run, so it shows in `syncline runs` — or, with `overlap: queue`, starts one run when the
 * current one ends.
 */
export function createScheduler(o: SchedulerOptions): Scheduler {
  const abort = new AbortController();
  const states = new Map<string, FlowState>();
  const jobs = new Map<string, Cron>();
  const waits = new Map<string, Timer>();
  let stopped = false;
  const state = (flow: string) => {
    let s = states.get(flow);
    if (!s) {
      s = { running: undefined, runId: undefined, queued: false };
      states.set(flow, s);
    }
    return s;
  };

  const skip = async (flow: string, trigger: string, why: string) => {
    await o.store
      .recordSkippedRun(
        {
          flow,
          trigger,
          flowFile: o.project.file,
          host: o.host,
          pid: o.pid,
          startedAt: o.clock.now(),
          resumedFrom: null,
        },
        { code: 'RUN_SKIPPED', message: why },
      )
      .catch((error: unknown) => o.log.error({ flow, error: String(error) }, 'could not record a skipped run'));
    o.log.warn({ flow, trigger }, `run of flow ${flow} skipped: ${why}`);
  };

  const start = (flow: string, trigger: 'schedule' | 'manual') => {
    const s = state(flow);
    s.running = o
      .run(o.project, flow, {
        trigger,
        signal: abort.signal,
        onProgress: (p) => {
          s.runId = p.runId;
        },
      })
      .then((run) =>
        o.log.info({ flow, run: run.id, status: run.status, read: run.counts.read }, `run of flow ${flow} ended`),
      )
      .catch(async (error: unknown) => {
        const e = toFlowError(error);
        if (e.code === 'RUN_ALREADY_ACTIVE') await skip(flow, trigger, e.message);
        else o.log.error({ flow, code: e.code, error: e.message }, `run of flow ${flow} could not start`);
      })
      .finally(() => {
        s.running = undefined;
        s.runId = undefined;
        if (s.queued && !stopped) {
          s.queued = false;
          start(flow, trigger);
        }
      });
  };

  async function trigger(flow: string, how: 'schedule' | 'manual'): Promise<TriggerOutcome> {
    const def = o.project.flows[flow];
    if (!def) throw new FlowError('FLOW_NOT_FOUND', `no flow named "${flow}" in ${o.project.file}`);
    if (stopped) return 'skipped';
    const s = state(flow);
    if (s.running) {
      if (def.overlap === 'queue') {
        s.queued = true;
        return 'queued';
      }
      await skip(flow, how, `run ${s.runId ?? '(starting)'} of the flow was still running`);
      return 'skipped';
    }
    start(flow, how);
    return 'started';
  }

  /** Waits on the clock for the schedule's next time after `from`, triggers, and waits for the one after. */
  const arm = (flow: string, job: Cron, from: Date) => {
    const next = stopped ? null : job.nextRun(from);
    if (next === null) return;
    const due = next.getTime();
    waits.set(
      flow,
      o.clock.setTimer(due - o.clock.now().getTime(), () => {
        void trigger(flow, 'schedule');
        // from the later of now and the due time: a timer that fired a little early does not fire twice
        arm(flow, job, new Date(Math.max(due, o.clock.now().getTime())));
      }),
    );
  };
  for (const flow of Object.values(o.project.flows)) {
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
      abort.abort();
      await Promise.all([...states.values()].map((s) => s.running));
    },
  };
}
