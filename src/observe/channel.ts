import type { ErrorDigest } from './error-notice.js';
import type { RunMessage } from './run-notice.js';

/** A way to deliver a digest: email, webhook, or one a test or plugin supplies. */
export interface Channel {
  /** `email`, `webhook`, …: names the channel in logs. */
  readonly name: string;
  /** Delivers one digest; rejects (preferably with a ChannelError) when it could not. */
  send(digest: ErrorDigest): Promise<void>;
  /** Delivers a message about a failed or paused run; a channel without it gets no run messages. */
  sendRun?(message: RunMessage): Promise<void>;
  /** Releases connections; called once by the notifier's close(). */
  close?(): Promise<void>;
}

export interface ChannelErrorDetails {
  /** The channel's name. */
  channel: string;
  /** Where it tried to deliver, without secrets: `smtp://smtp.example.com:587`, `https://hooks.example.com/…`. */
  target: string;
  /** What to check. */
  hint: string;
  cause?: unknown;
}

/** A delivery that failed: which channel, which server, what it said (the message) and what to check. */
export class ChannelError extends Error {
  readonly channel: string;
  readonly target: string;
  readonly hint: string;

  constructor(message: string, details: ChannelErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ChannelError';
    this.channel = details.channel;
    this.target = details.target;
    this.hint = details.hint;
  }
}

/** A URL to show in logs: scheme, host and port only (paths and queries of webhooks often hold tokens). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === '/' && u.search === '' ? '' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}
