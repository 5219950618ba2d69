import type { Clock, Logger, Timer } from '../sdk/index.js';
import { type Channel, ChannelError } from './channel.js';
import { type RunMessage, type RunNotice, runTitle } from './run-notice.js';

/** The run messages of a notifier: per flow and channel, throttled like error digests but on their own. */
export interface RunLanes {
  /** Takes a failed or paused run. Never throws and never waits. */
  add(notice: RunNotice): void;
  /** Sends every held message now and waits for all deliveries. Never rejects. */
  flush(): Promise<void>;
  /** Waits until no delivery is in flight. Never rejects. */
  settled(): Promise<void>;
  /** Stops the timers; later `add` calls are ignored (call `flush` after, to send what waits). */
  stop(): void;
}

interface Lane {
  readonly flow: string;
  readonly channel: Channel;
  readonly send: (message: RunMessage) => Promise<void>;
  pending: RunMessage | undefined;
  lastAttemptAt: number | undefined;
  timer: Timer | undefined;
  sending: Promise<void> | undefined;
}

/** A message held back, and a newer one: the newer run is the one shown, the older ones are counted. */
function merge(older: RunMessage, newer: RunMessage | undefined): RunMessage {
  if (newer === undefined) return older;
  return { latest: newer.latest, earlier: older.earlier + 1 + newer.earlier, since: older.since };
}

/**
 * A run that fails or pauses is notified at once, unless a run message about that flow went out on
 * that channel within the interval: then the latest such run waits, the others counted, and goes
 * out when the interval has passed. Error digests keep their own interval, so a run message is never
 * held back by a digest (nor the other way round). A failed delivery is logged and tried again one
 * interval later.
 */
export function createRunLanes(options: {
  channels: readonly Channel[];
  clock: Clock;
  log: Logger;
  intervalMs: number;
  sendTimeoutMs: number;
}): RunLanes {
  const { clock, log, intervalMs, sendTimeoutMs } = options;
  const lanes = new Map<string, Lane>();
  let stopped = false;

  const deliver = async (lane: Lane, message: RunMessage): Promise<void> => {
    let timer: Timer | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = clock.setTimer(sendTimeoutMs, () =>
        reject(new Error(`it did not finish within ${sendTimeoutMs / 1000} s and was abandoned`)),
      );
    });
    try {
      await Promise.race([lane.send(message), deadline]);
      log.info(
        { channel: lane.channel.name, flow: lane.flow },
        `notified ${runTitle(message)} by ${lane.channel.name}`,
      );
    } catch (err) {
      lane.pending = merge(message, lane.pending);
      const retryAt = new Date(clock.now().getTime() + intervalMs).toISOString();
      const check = err instanceof ChannelError ? ` Check: ${err.hint}.` : '';
      const later = stopped ? 'The notifier is closing: it is not sent again.' : `Trying again at ${retryAt}.`;
      log.warn(
        { channel: lane.channel.name, flow: lane.flow },
        `could not notify ${runTitle(message)} by ${lane.channel.name}: ${err instanceof Error ? err.message : String(err)}.${check} ${later} The run record of flow ${lane.flow} keeps what happened.`,
      );
    } finally {
      timer?.cancel();
    }
  };

  const dispatch = (lane: Lane): Promise<void> => {
    lane.timer?.cancel();
    lane.timer = undefined;
    const message = lane.pending as RunMessage;
    lane.pending = undefined;
    lane.lastAttemptAt = clock.now().getTime();
    const sending = deliver(lane, message).finally(() => {
      lane.sending = undefined;
      schedule(lane);
    });
    lane.sending = sending;
    return sending;
  };

  function schedule(lane: Lane): void {
    if (stopped || lane.sending !== undefined || lane.pending === undefined) return;
    const now = clock.now().getTime();
    const due = lane.lastAttemptAt === undefined ? now : lane.lastAttemptAt + intervalMs;
    if (due <= now) {
      void dispatch(lane);
      return;
    }
    lane.timer?.cancel();
    lane.timer = clock.setTimer(due - now, () => {
      lane.timer = undefined;
      schedule(lane);
    });
  }

  const settled = async (): Promise<void> => {
    for (;;) {
      const inFlight = [...lanes.values()].flatMap((l) => (l.sending ? [l.sending] : []));
      if (inFlight.length === 0) return;
      await Promise.allSettled(inFlight);
    }
  };

  return {
    add(notice) {
      if (stopped) return;
      try {
        options.channels.forEach((channel, index) => {
          if (channel.sendRun === undefined) return;
          const key = `${index}\u0000${notice.flow}`;
          let lane = lanes.get(key);
          if (lane === undefined) {
            const send = channel.sendRun.bind(channel);
            lane = {
              flow: notice.flow,
              channel,
              send,
              pending: undefined,
              lastAttemptAt: undefined,
              timer: undefined,
              sending: undefined,
            };
            lanes.set(key, lane);
          }
          const fresh: RunMessage = { latest: notice, earlier: 0, since: notice.at };
          lane.pending = lane.pending === undefined ? fresh : merge(lane.pending, fresh);
          schedule(lane);
        });
      } catch (err) {
        log.error({ flow: notice.flow, err }, `notifier: could not take a run message: ${String(err)}`);
      }
    },
    async flush() {
      await settled();
      await Promise.allSettled([...lanes.values()].filter((l) => l.pending !== undefined && !l.sending).map(dispatch));
      await settled();
    },
    settled,
    stop() {
      stopped = true;
      for (const lane of lanes.values()) {
        lane.timer?.cancel();
        lane.timer = undefined;
      }
    },
  };
}
