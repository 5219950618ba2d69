import { actionText, type NextAction, type RenderAction } from '../sdk/index.js';

/** What a run notice is about: a run that failed, or one that paused (a circuit stayed open). */
export type RunEvent = 'failed' | 'paused';

/** A run that ended failed or paused: what the engine tells the notifier. */
export interface RunNotice {
  readonly event: RunEvent;
  readonly flow: string;
  readonly runId: number | string;
  /** Stable error code (docs/errors.md), e.g. `SQL_ERROR`, `PAUSED`, `ERROR_THRESHOLD`. */
  readonly code: string;
  /** The run's error message, as the run record keeps it (secrets never in it). */
  readonly message: string;
  readonly hint?: string;
  /** When the run ended. */
  readonly at: Date;
  readonly pages: number;
  readonly counts: {
    readonly read: number;
    readonly written: number;
    readonly failed: number;
    readonly skipped: number;
  };
}

/** One message about a flow's runs: the latest failed or paused run, and how many more ended so since the last message. */
export interface RunMessage {
  readonly latest: RunNotice;
  /** Runs of the flow that failed or paused before the latest one and were not notified on their own (throttled). */
  readonly earlier: number;
  /** When the first of those ended. */
  readonly since: Date;
}

/** `run 12 of flow orders failed: SQL_ERROR` */
export function runTitle(m: RunMessage): string {
  const n = m.latest;
  const more = m.earlier > 0 ? ` (and ${m.earlier} earlier run${m.earlier === 1 ? '' : 's'})` : '';
  return `run ${n.runId} of flow ${n.flow} ${n.event}: ${n.code}${more}`;
}

/** What a reader of a run notice does next: look at the flow's runs and the run's errors, and go on. */
export function runActions(n: RunNotice): { runs: NextAction; errors: NextAction; resume: NextAction } {
  return {
    runs: { action: 'runs.list', flow: n.flow },
    errors: { action: 'errors.list', filter: { runId: n.runId } },
    resume: { action: 'flows.run', flow: n.flow },
  };
}

/** A run notice's actions as the channel's renderer writes them (the CLI's: command lines). */
export function runCommands(
  n: RunNotice,
  render: RenderAction = actionText,
): { runs: string; errors: string; resume: string } {
  const a = runActions(n);
  return { runs: render(a.runs), errors: render(a.errors), resume: render(a.resume) };
}

export interface RunMessageJson {
  event: 'syncline.run.failed' | 'syncline.run.paused';
  flow: string;
  runId: number | string;
  code: string;
  message: string;
  hint?: string;
  at: string;
  pages: number;
  counts: RunNotice['counts'];
  earlierRuns: number;
  since: string;
  commands: ReturnType<typeof runCommands>;
}

/** The JSON body of a webhook run notification (documented in docs/notifications.md). */
export function runMessageToJson(m: RunMessage, render: RenderAction = actionText): RunMessageJson {
  const n = m.latest;
  return {
    event: n.event === 'failed' ? 'syncline.run.failed' : 'syncline.run.paused',
    flow: n.flow,
    runId: n.runId,
    code: n.code,
    message: n.message,
    ...(n.hint === undefined ? {} : { hint: n.hint }),
    at: n.at.toISOString(),
    pages: n.pages,
    counts: { ...n.counts },
    earlierRuns: m.earlier,
    since: m.since.toISOString(),
    commands: runCommands(n, render),
  };
}

/** The plain-text email body. */
export function runMessageText(m: RunMessage, render: RenderAction = actionText): string {
  const n = m.latest;
  const commands = runCommands(n, render);
  const c = n.counts;
  const why =
    n.event === 'paused'
      ? 'It paused: a destination stayed down longer than its breaker allows. Its checkpoint is kept; the next run goes on from there.'
      : 'It failed. Its checkpoint is kept; once the cause is fixed, the next run goes on from there.';
  const lines = [
    `${runTitle(m)} at ${n.at.toISOString()}.`,
    '',
    why,
    '',
    `[${n.code}] ${n.message}`,
    ...(n.hint === undefined ? [] : [`hint: ${n.hint}`]),
    '',
    `Before it stopped: ${n.pages} page${n.pages === 1 ? '' : 's'}, ${c.read} records read, ${c.written} written, ${c.failed} failed, ${c.skipped} skipped.`,
    ...(m.earlier > 0
      ? [
          '',
          `${m.earlier} earlier run${m.earlier === 1 ? '' : 's'} of this flow also ended ${n.event} since ${m.since.toISOString()}.`,
        ]
      : []),
    '',
    `Its runs:    ${commands.runs}`,
    `Its errors:  ${commands.errors}`,
    `To go on:    ${commands.resume}`,
    '',
    '-- ',
    'Sent by Syncline. At most one run message per flow per interval; runs that end meanwhile are counted in the next one.',
  ];
  return `${lines.join('\n')}\n`;
}
