import type { ProjectDefinition } from '../config/definition.js';
import type { RunEvent, RunEvents, Unsubscribe } from '../engine/index.js';
import { createNotifier, type ErrorNotice, type Notifier, notifyConfigSchema } from '../observe/index.js';
import type { Clock, ErrorRegistry, Logger, RenderAction } from '../sdk/index.js';
import type { RunRow } from '../store/state-store.js';

export interface NotificationsOptions {
  /** The flow file whose runs are notified, as its flows' (or its own) `notify:` blocks say. */
  readonly project: ProjectDefinition;
  readonly clock: Clock;
  readonly log: Logger;
  /** The error codes of the core and the registered connectors (a message gives each code's fix). */
  readonly errors?: ErrorRegistry;
  /** Writes the actions messages name (the CLI's command lines); default the neutral text. */
  readonly render?: RenderAction;
}

export interface Notifications {
  /** Stops listening, sends what waits and closes the channels (also done when the event stream closes). */
  close(): Promise<void>;
}

/**
 * Notifications as a subscriber of the event stream: new error records (a page's `record.failed`
 * events go out together once its `page.committed` arrives) and runs that ended failed or paused
 * (`run.ended`), for the runs of `project`'s flow file. One notifier per distinct `notify:` block, so
 * batching spans runs and flows that share it. Never throws into the stream and never waits.
 */
export function subscribeNotifications(events: RunEvents, options: NotificationsOptions): Notifications {
  const { project, clock, log, errors, render } = options;
  const notifiers = new Map<string, Notifier>();
  /** Runs of this flow file, by id, with the error records of the page being committed. */
  const runs = new Map<number, ErrorNotice[]>();

  const notifierFor = (flow: string): Notifier | undefined => {
    const config = project.flows[flow]?.notify ?? project.syncs?.[flow]?.notify ?? project.notify;
    if (config === undefined) return undefined;
    const key = JSON.stringify(config);
    let notifier = notifiers.get(key);
    if (!notifier) {
      const parsed = notifyConfigSchema.safeParse(config);
      if (!parsed.success) {
        log.error({ error: parsed.error.message }, 'notify: block not usable; no notifications are sent');
        return undefined;
      }
      notifier = createNotifier({
        config: parsed.data,
        clock,
        log,
        ...(errors === undefined ? {} : { errors }),
        ...(render === undefined ? {} : { render }),
      });
      notifiers.set(key, notifier);
    }
    return notifier;
  };

  const sendErrors = (flow: string, runId: number) => {
    const notices = runs.get(runId);
    if (!notices || notices.length === 0) return;
    runs.set(runId, []);
    notifierFor(flow)?.record(notices);
  };

  const runEnded = (run: RunRow) => {
    if (run.status !== 'failed' && run.status !== 'paused') return;
    // taken over by another run (its end is not saved by it): the flow goes on there, as before this stream
    if (run.error?.code === 'RUN_LEASE_LOST') return;
    notifierFor(run.flow)?.run({
      event: run.status,
      flow: run.flow,
      runId: run.id,
      code: run.error?.code ?? 'INTERNAL',
      message: run.error?.message ?? `the run ${run.status}`,
      ...(run.error?.hint ? { hint: run.error.hint } : {}),
      at: run.endedAt ?? run.startedAt,
      pages: run.pages,
      counts: {
        read: run.counts.read,
        written: run.counts.written,
        failed: run.counts.failed,
        skipped: run.counts.skipped,
      },
    });
  };

  const listener = (e: RunEvent) => {
    switch (e.type) {
      case 'run.started':
        // a flow (or sync) of the same name in another flow file is not this project's
        if (e.flowFile === project.file && (project.flows[e.flow] ?? project.syncs?.[e.flow]) !== undefined)
          runs.set(e.runId, []);
        return;
      case 'record.failed':
        runs.get(e.runId)?.push({
          flow: e.flow,
          runId: e.runId,
          errorId: e.errorId,
          code: e.code,
          stage: e.stage,
          recordId: e.recordId,
          message: e.message,
          at: e.at,
        });
        return;
      case 'page.committed':
        sendErrors(e.flow, e.runId);
        return;
      case 'run.ended':
        if (!runs.has(e.runId)) return;
        sendErrors(e.flow, e.runId);
        runs.delete(e.runId);
        runEnded(e.run); // failed or paused: someone is told
        return;
      default:
        return;
    }
  };

  let closing: Promise<void> | undefined;
  const closeAll = () => {
    closing ??= Promise.all([...notifiers.values()].map((n) => n.close())).then(() => notifiers.clear());
    return closing;
  };
  const unsubscribe: Unsubscribe = events.subscribe(listener, { close: closeAll });
  return {
    close() {
      unsubscribe();
      return closeAll();
    },
  };
}
