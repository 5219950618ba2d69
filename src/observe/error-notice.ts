import { actionText, type NextAction, type RenderAction, type Stage, stageText } from '../sdk/index.js';

/** One record that failed and went to the error store: what the engine tells the notifier. */
export interface ErrorNotice {
  readonly flow: string;
  readonly runId: number | string;
  /** Stable error code (docs/errors.md), e.g. `RECORD_BAD_VALUE`. */
  readonly code: string;
  /** Where in the flow it failed (shown and sent in its text form, `step:<name>`). */
  readonly stage: Stage;
  /** Source record id (`line:42`, a key). */
  readonly recordId: string;
  readonly message: string;
  /** When it failed. */
  readonly at: Date;
  /** The error record's id in the store, when known: lets the message name the action that shows it. */
  readonly errorId?: number | string;
}

/** What a reader of a digest does next: list the flow's open errors, see one, retry them. */
export interface DigestActions {
  readonly list: NextAction;
  readonly show: NextAction;
  readonly retry: NextAction;
}

/** The digest's actions as the channel's renderer writes them (the CLI's: command lines). */
export interface DigestCommands {
  readonly list: string;
  readonly show: string;
  readonly retry: string;
}

/** What one notification message carries: the new errors of one flow since the last message. */
export interface ErrorDigest {
  readonly flow: string;
  /** Every new error, including those beyond the samples. */
  readonly count: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
  /** Errors per code, most frequent first. */
  readonly codes: Readonly<Record<string, number>>;
  /** The first errors (at most `maxDigestSamples`), oldest first. */
  readonly samples: readonly ErrorNotice[];
  readonly next: DigestActions;
}

/** How many sample errors a message shows. */
export const maxDigestSamples = 10;

/** A sample's message is cut to this many characters in a notification. */
export const maxSampleMessageLength = 500;

/** The action that lists the open errors of a flow (optionally of one code). */
export function listAction(flow: string, code?: string): NextAction {
  return { action: 'errors.list', filter: { flow, status: 'open', ...(code === undefined ? {} : { code }) } };
}

export function digestActions(flow: string): DigestActions {
  return { list: listAction(flow), show: { action: 'errors.show' }, retry: { action: 'errors.retry' } };
}

/** A digest's actions rendered for its readers. */
export function digestCommands(next: DigestActions, render: RenderAction = actionText): DigestCommands {
  return { list: render(next.list), show: render(next.show), retry: render(next.retry) };
}

/** `12 new errors in flow orders` */
export function digestTitle(digest: Pick<ErrorDigest, 'count' | 'flow'>): string {
  return `${digest.count} new error${digest.count === 1 ? '' : 's'} in flow ${digest.flow}`;
}

/** A message cut to `maxSampleMessageLength` characters. */
export function shortMessage(message: string): string {
  return message.length <= maxSampleMessageLength ? message : `${message.slice(0, maxSampleMessageLength - 1)}…`;
}

export interface ErrorDigestJson {
  event: 'syncline.errors';
  flow: string;
  count: number;
  firstAt: string;
  lastAt: string;
  codes: Record<string, number>;
  samples: {
    runId: number | string;
    errorId?: number | string;
    code: string;
    stage: string;
    recordId: string;
    message: string;
    at: string;
  }[];
  /** Errors not among the samples. */
  moreErrors: number;
  commands: DigestCommands;
}

/** The JSON body of a webhook notification (documented in docs/notifications.md). */
export function digestToJson(digest: ErrorDigest, render: RenderAction = actionText): ErrorDigestJson {
  return {
    event: 'syncline.errors',
    flow: digest.flow,
    count: digest.count,
    firstAt: digest.firstAt.toISOString(),
    lastAt: digest.lastAt.toISOString(),
    codes: { ...digest.codes },
    samples: digest.samples.map((s) => ({
      runId: s.runId,
      ...(s.errorId === undefined ? {} : { errorId: s.errorId }),
      code: s.code,
      stage: stageText(s.stage),
      recordId: s.recordId,
      message: shortMessage(s.message),
      at: s.at.toISOString(),
    })),
    moreErrors: digest.count - digest.samples.length,
    commands: digestCommands(digest.next, render),
  };
}
