import {
  actionText,
  type Clock,
  type ErrorRegistry,
  type Logger,
  type RenderAction,
  type Timer,
} from '../sdk/index.js';
import { type Channel, ChannelError } from './channel.js';
import { createEmailChannel } from './email-channel.js';
import { digestTitle, type ErrorDigest, type ErrorNotice, listAction } from './error-notice.js';
import { type NotifyConfig, notifyIntervalMs } from './notify-config.js';
import { addNotice, type PendingErrors, restoreDigest, toDigest } from './pending-errors.js';
import { createRunLanes } from './run-lanes.js';
import type { RunNotice } from './run-notice.js';
import { createWebhookChannel } from './webhook-channel.js';

export interface NotifierOptions {
  /** The validated `notify:` block. */
  config: NotifyConfig;
  /** Due times are computed from `clock.now()` and waited for with its timers (unref'd on the system clock). */
  clock: Clock;
  log: Logger;
  /** Default: the channels the config declares (email, webhook). */
  channels?: readonly Channel[];
  /** The error codes of the core and the registered connectors: messages give each code's fix. */
  errors?: ErrorRegistry;
  /** Writes the actions messages name (the CLI hands its command lines); default the neutral text. */
  render?: RenderAction;
  /** A send that takes longer counts as failed (a safety net: channels time out on their own). Default 5 min. */
  sendTimeoutMs?: number;
}

export interface Notifier {
  /**
   * Takes new error records (call it right after they are committed to the error store). Never
   * throws and never waits: delivery happens in the background.
   */
  record(notices: readonly ErrorNotice[]): void;
  /**
   * Takes a run that failed or paused (call it once its run record is saved). Never throws and never
   * waits. Run messages have their own interval per flow and channel (docs/notifications.md).
   */
  run(notice: RunNotice): void;
  /** Sends every pending digest now, whatever the interval, and waits for all deliveries. Never rejects. */
  flush(): Promise<void>;
  /** Waits until no delivery is in flight (sends nothing new). Never rejects. */
  settled(): Promise<void>;
  /** Flushes, then stops: later `record` calls are ignored. Closes the channels. Never rejects. */
  close(): Promise<void>;
}

/** The batching state of one flow on one channel. */
interface Lane {
  readonly flow: string;
  readonly channel: Channel;
  pending: PendingErrors | undefined;
  /** When the last message was attempted (sent or failed), in ms. */
  lastAttemptAt: number | undefined;
  timer: Timer | undefined;
  sending: Promise<void> | undefined;
  /** Failed attempts in a row. */
  failures: number;
}

/** The channels a config declares. */
export function channelsFor(
  config: NotifyConfig,
  log: Logger,
  clock?: Clock,
  errors?: ErrorRegistry,
  render: RenderAction = actionText,
): Channel[] {
  const channels: Channel[] = [];
  if (config.email)
    channels.push(createEmailChannel(config.email, { log, render, ...(errors === undefined ? {} : { errors }) }));
  if (config.webhook) channels.push(createWebhookChannel(config.webhook, clock, render));
  return channels;
}

/**
 * Notifies about new errors, per flow and channel: the first error goes out at once unless a
 * message went out within the interval; later ones wait and go in one digest when the interval since
 * the last message has passed. A failed delivery is logged and retried one interval later.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { clock, log } = options;
  const render = options.render ?? actionText;
  const intervalMs = notifyIntervalMs(options.config);
  const sendTimeoutMs = options.sendTimeoutMs ?? 5 * 60_000;
  const channels = options.channels ?? channelsFor(options.config, log, clock, options.errors, render);
  const lanes = new Map<string, Lane>();
  const on = new Set(options.config.on);
  const runs = createRunLanes({ channels, clock, log, intervalMs, sendTimeoutMs });
  let closed = false;
  let closing: Promise<void> | undefined;

  function laneOf(flow: string, channel: Channel, index: number): Lane {
    const key = `${index}\u0000${flow}`;
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = {
        flow,
        channel,
        pending: undefined,
        lastAttemptAt: undefined,
        timer: undefined,
        sending: undefined,
        failures: 0,
      };
      lanes.set(key, lane);
    }
    return lane;
  }

  function stopTimer(lane: Lane): void {
    lane.timer?.cancel();
    lane.timer = undefined;
  }

  function logFailure(lane: Lane, digest: ErrorDigest, err: unknown): void {
    const now = clock.now().getTime();
    const retryAt = new Date(Math.max(now, (lane.lastAttemptAt ?? now) + intervalMs)).toISOString();
    const what = `could not notify ${digestTitle(digest)} by ${lane.channel.name}`;
    const later = closed
      ? 'The notifier is closing: they are not sent again (they stay in the error store).'
      : `Trying again at ${retryAt} with the errors that arrive meanwhile (they are safe in the error store).`;
    if (err instanceof ChannelError) {
      log.warn(
        { channel: err.channel, server: err.target, flow: lane.flow, errors: digest.count, failures: lane.failures },
        `${what}: ${err.message}. Check: ${err.hint}. ${later}`,
      );
    } else {
      const message = err instanceof Error ? err.message : String(err);
      log.warn(
        { channel: lane.channel.name, flow: lane.flow, errors: digest.count, failures: lane.failures },
        `${what}: channel "${lane.channel.name}" failed: ${message}. ${later}`,
      );
    }
  }

  async function deliver(lane: Lane, digest: ErrorDigest): Promise<void> {
    let timer: Timer | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = clock.setTimer(sendTimeoutMs, () =>
        reject(new Error(`it did not finish within ${sendTimeoutMs / 1000} s and was abandoned`)),
      );
    });
    try {
      await Promise.race([lane.channel.send(digest), deadline]);
      lane.failures = 0;
      log.info(
        { channel: lane.channel.name, flow: lane.flow, errors: digest.count },
        `notified ${digestTitle(digest)} by ${lane.channel.name}`,
      );
    } catch (err) {
      lane.failures += 1;
      lane.pending = restoreDigest(digest, lane.pending);
      logFailure(lane, digest, err);
    } finally {
      timer?.cancel();
    }
  }

  /** Starts sending the lane's pending errors now. */
  function dispatch(lane: Lane): Promise<void> {
    stopTimer(lane);
    const pending = lane.pending as PendingErrors;
    lane.pending = undefined;
    lane.lastAttemptAt = clock.now().getTime();
    const sending = deliver(lane, toDigest(pending)).finally(() => {
      lane.sending = undefined;
      safeSchedule(lane);
    });
    lane.sending = sending;
    return sending;
  }

  /** Sends now when due, else waits (a timer on the clock, rechecked against the clock when it fires). */
  function schedule(lane: Lane): void {
    if (closed || lane.sending !== undefined || lane.pending === undefined) return;
    const now = clock.now().getTime();
    const due = lane.lastAttemptAt === undefined ? now : lane.lastAttemptAt + intervalMs;
    if (due <= now) {
      void dispatch(lane);
      return;
    }
    stopTimer(lane);
    lane.timer = clock.setTimer(due - now, () => {
      lane.timer = undefined;
      safeSchedule(lane);
    });
  }

  function safeSchedule(lane: Lane): void {
    try {
      schedule(lane);
    } catch (err) {
      log.error({ flow: lane.flow, err }, `notifier: could not schedule a message: ${String(err)}`);
    }
  }

  async function settled(): Promise<void> {
    await runs.settled();
    for (;;) {
      const inFlight = [...lanes.values()].flatMap((l) => (l.sending ? [l.sending] : []));
      if (inFlight.length === 0) return;
      await Promise.allSettled(inFlight);
    }
  }

  async function flush(): Promise<void> {
    await runs.flush();
    await settled();
    const sends = [...lanes.values()].filter((l) => l.pending !== undefined && !l.sending).map(dispatch);
    await Promise.allSettled(sends);
    await settled();
  }

  return {
    record(notices) {
      if (closed) {
        log.debug({ errors: notices?.length }, 'notifier is closed: new errors are not notified');
        return;
      }
      if (!on.has('errors')) return;
      const touched = new Set<Lane>();
      try {
        const now = clock.now();
        for (const notice of notices) {
          channels.forEach((channel, index) => {
            const lane = laneOf(String(notice.flow), channel, index);
            lane.pending = addNotice(lane.pending, notice, now);
            touched.add(lane);
          });
        }
      } catch (err) {
        log.error({ err }, `notifier: could not take new errors (they are in the error store): ${String(err)}`);
      } finally {
        for (const lane of touched) safeSchedule(lane);
      }
    },
    run(notice) {
      if (closed || !on.has(notice.event)) return;
      runs.add(notice);
    },
    flush,
    settled,
    close() {
      closing ??= closeNow();
      return closing;
    },
  };

  async function closeNow(): Promise<void> {
    closed = true;
    runs.stop();
    for (const lane of lanes.values()) stopTimer(lane);
    await flush();
    for (const lane of lanes.values()) {
      if (lane.pending !== undefined) {
        log.warn(
          { channel: lane.channel.name, flow: lane.flow, errors: lane.pending.count },
          `notifier closed with ${digestTitle(lane.pending)} not sent by ${lane.channel.name}; list them with \`${render(listAction(lane.flow))}\``,
        );
      }
    }
    await Promise.allSettled(channels.map((c) => c.close?.()));
  }
}
