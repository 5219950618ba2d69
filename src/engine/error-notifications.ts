import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { createNotifier, type ErrorNotice, type Notifier, notifyConfigSchema } from '../observe/index.js';
import type { Clock, Logger } from '../sdk/index.js';
import type { NewErrorRecord, RunRow } from '../store/state-store.js';

/** The process's notifiers (new error records, failed and paused runs): one per distinct `notify:` block, so batching spans runs and flows share it. */
export interface ErrorNotifications {
  /** Tells the flow's notifier (if it has a `notify:` block, its own or the file's) about new error records. */
  record(project: ProjectDefinition, flow: FlowDefinition, errors: readonly NewErrorRecord[]): void;
  /** Tells the flow's notifier about a run that ended failed or paused (other statuses are not notified). */
  runEnded(project: ProjectDefinition, flow: FlowDefinition, run: RunRow): void;
  /** Sends what is waiting and closes the channels. */
  close(): Promise<void>;
}

export function createErrorNotifications(clock: Clock, log: Logger): ErrorNotifications {
  const notifiers = new Map<string, Notifier>();
  const notifierFor = (config: unknown): Notifier | undefined => {
    const key = JSON.stringify(config);
    let notifier = notifiers.get(key);
    if (!notifier) {
      const parsed = notifyConfigSchema.safeParse(config);
      if (!parsed.success) {
        log.error({ error: parsed.error.message }, 'notify: block not usable; no notifications are sent');
        return undefined;
      }
      notifier = createNotifier({ config: parsed.data, clock, log });
      notifiers.set(key, notifier);
    }
    return notifier;
  };
  return {
    record(project, flow, errors) {
      const config = flow.notify ?? project.notify;
      if (config === undefined || errors.length === 0) return;
      const notices: ErrorNotice[] = errors.map((e) => ({
        flow: e.flow,
        runId: e.runId,
        code: e.code,
        stage: e.stage,
        recordId: e.recordId,
        message: e.message,
        at: e.createdAt,
      }));
      notifierFor(config)?.record(notices);
    },
    runEnded(project, flow, run) {
      const config = flow.notify ?? project.notify;
      if (config === undefined || (run.status !== 'failed' && run.status !== 'paused')) return;
      notifierFor(config)?.run({
        event: run.status,
        flow: flow.name,
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
    },
    async close() {
      await Promise.all([...notifiers.values()].map((n) => n.close()));
      notifiers.clear();
    },
  };
}
