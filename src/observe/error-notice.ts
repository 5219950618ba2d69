import { type Stage, stageText } from '../sdk/index.js';

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
  /** The error record's id in the store, when known: lets the message name `syncline errors show <id>`. */
  readonly errorId?: number | string;
}

/** The commands that show and retry a digest's errors. */
export interface DigestCommands {
  /** `syncline errors list --flow orders --status open` */
  readonly list: string;
  /** `syncline errors show <id>` */
  readonly show: string;
  /** `syncline errors retry <id> [<id> ...]` */
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
  readonly commands: DigestCommands;
}

/** How many sample errors a message shows. */
export const maxDigestSamples = 10;

/** A sample's message is cut to this many characters in a notification. */
export const maxSampleMessageLength = 500;

/** Quotes a value for a POSIX shell when it is not a plain word. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9._:/@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The CLI commands to look at the open errors of a flow (optionally of one code). */
export function listCommand(flow: string, code?: string): string {
  const base = `syncline errors list --flow ${shellWord(flow)} --status open`;
  return code === undefined ? base : `${base} --code ${shellWord(code)}`;
}

export function digestCommands(flow: string): DigestCommands {
  return {
    list: listCommand(flow),
    show: 'syncline errors show <id>',
    retry: 'syncline errors retry <id> [<id> ...]',
  };
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
export function digestToJson(digest: ErrorDigest): ErrorDigestJson {
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
    commands: digest.commands,
  };
}
