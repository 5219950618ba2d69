import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../sdk/index.js';
import { type Channel, ChannelError } from './channel.js';
import type { ErrorDigest, ErrorNotice } from './error-notice.js';
import { createNotifier, type Notifier } from './notifier.js';
import { notifyConfigSchema } from './notify-config.js';
import type { RunMessage, RunNotice } from './run-notice.js';
import { notice, recordingLogger } from './test-helpers.js';

const minute = 60_000;
const interval = 15 * minute;
const config = notifyConfigSchema.parse({ interval: '15m', webhook: { url: 'http://unused.example.com' } });

interface MemoryChannel extends Channel {
  readonly sent: ErrorDigest[];
  /** Run messages delivered. */
  readonly runs: RunMessage[];
  /** Attempts, failed or not. */
  attempts: number;
  /** The next this many sends fail. */
  failures: number;
  closed: boolean;
}

function memoryChannel(name = 'memory'): MemoryChannel {
  const channel: MemoryChannel = {
    name,
    sent: [],
    runs: [],
    attempts: 0,
    failures: 0,
    closed: false,
    async send(digest) {
      channel.attempts += 1;
      await Promise.resolve();
      if (channel.failures > 0) {
        channel.failures -= 1;
        throw new ChannelError(`${name} server said 451 try later`, {
          channel: name,
          target: `${name}://server`,
          hint: `check the ${name} server`,
        });
      }
      channel.sent.push(digest);
    },
    async sendRun(message) {
      channel.attempts += 1;
      await Promise.resolve();
      if (channel.failures > 0) {
        channel.failures -= 1;
        throw new ChannelError(`${name} server said 451 try later`, {
          channel: name,
          target: `${name}://server`,
          hint: `check the ${name} server`,
        });
      }
      channel.runs.push(message);
    },
    async close() {
      channel.closed = true;
    },
  };
  return channel;
}

let clock: ManualClock;
let notifier: Notifier | undefined;

beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 0, 1));
});

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

/** Moves the manual clock (its timers fire on the way), then waits for deliveries. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await notifier?.settled();
}

function start(channels: Channel[]) {
  const { log, entries } = recordingLogger();
  notifier = createNotifier({ config, clock, log, channels });
  return { notifier, entries };
}

function batch(flow: string, from: number, to: number): ErrorNotice[] {
  return Array.from({ length: to - from }, (_, k) => notice(flow, from + k));
}

describe('notifier batching', () => {
  it('sends the first error at once and the next 99 in one digest after the interval', async () => {
    const channel = memoryChannel();
    const { notifier } = start([channel]);
    notifier.record(batch('orders', 0, 1));
    await notifier.settled();
    expect(channel.sent.map((d) => d.count)).toEqual([1]);
    expect(channel.sent[0]?.codes).toEqual({ RECORD_CONSTRAINT: 1 });

    // 99 more, in pages spread over the interval
    for (let page = 0; page < 9; page++) {
      notifier.record(batch('orders', 1 + page * 11, 12 + page * 11));
      await advance(minute);
    }
    expect(channel.sent).toHaveLength(1);
    await advance(interval - 9 * minute - 1);
    expect(channel.sent).toHaveLength(1);
    await advance(1);
    expect(channel.sent).toHaveLength(2);
    const digest = channel.sent[1] as ErrorDigest;
    expect(digest).toMatchObject({ flow: 'orders', count: 99, codes: { RECORD_BAD_VALUE: 75, RECORD_CONSTRAINT: 24 } });
    expect(digest.samples).toHaveLength(10);
    expect(digest.samples[0]?.recordId).toBe('line:3');
    expect(digest.firstAt.toISOString()).toBe('2026-01-01T00:00:01.000Z');
    expect(digest.lastAt.toISOString()).toBe('2026-01-01T00:01:39.000Z');

    // nothing new: nothing sent
    await advance(2 * interval);
    expect(channel.sent).toHaveLength(2);
    // a new error long after the last message goes out at once
    notifier.record(batch('orders', 100, 101));
    await notifier.settled();
    expect(channel.sent.map((d) => d.count)).toEqual([1, 99, 1]);
  });

  it('batches per flow: two flows get separate messages', async () => {
    const channel = memoryChannel();
    const { notifier } = start([channel]);
    notifier.record([...batch('orders', 0, 3), ...batch('customers', 0, 2)]);
    await notifier.settled();
    expect(channel.sent.map((d) => [d.flow, d.count])).toEqual([
      ['orders', 3],
      ['customers', 2],
    ]);
    await advance(5 * minute);
    notifier.record(batch('orders', 3, 8));
    await advance(interval - 5 * minute);
    expect(channel.sent.map((d) => [d.flow, d.count])).toEqual([
      ['orders', 3],
      ['customers', 2],
      ['orders', 5],
    ]);
    // customers had no message within the interval... but its last one was 15 minutes ago: at once
    notifier.record(batch('customers', 2, 3));
    await notifier.settled();
    expect(channel.sent.at(-1)).toMatchObject({ flow: 'customers', count: 1 });
  });

  it('computes due times from the clock: timers that fire early send nothing', async () => {
    const channel = memoryChannel();
    const { notifier } = start([channel]);
    notifier.record(batch('orders', 0, 1));
    await notifier.settled();
    notifier.record(batch('orders', 1, 2));
    await notifier.settled();
    expect(channel.sent).toHaveLength(1);
    clock.advance(interval);
    await notifier.settled();
    expect(channel.sent).toHaveLength(2);
  });
});

describe('notifier failures', () => {
  it('logs a failed delivery clearly and retries one interval later with what arrived meanwhile', async () => {
    const channel = memoryChannel('email');
    channel.failures = 2;
    const { notifier, entries } = start([channel]);
    expect(() => notifier.record(batch('orders', 0, 4))).not.toThrow();
    await notifier.settled();
    expect(channel.attempts).toBe(1);
    expect(channel.sent).toHaveLength(0);
    const warning = entries.find((e) => e.level === 'warn');
    expect(warning?.message).toBe(
      'could not notify 4 new errors in flow orders by email: email server said 451 try later. ' +
        'Check: check the email server. Trying again at 2026-01-01T00:15:00.000Z with the errors that arrive meanwhile (they are safe in the error store).',
    );
    expect(warning?.fields).toMatchObject({ channel: 'email', server: 'email://server', flow: 'orders', errors: 4 });

    notifier.record(batch('orders', 4, 10));
    await advance(interval - 1);
    expect(channel.attempts).toBe(1);
    await advance(1);
    expect(channel.attempts).toBe(2); // failed again
    notifier.record(batch('orders', 10, 30));
    await advance(interval);
    expect(channel.attempts).toBe(3);
    expect(channel.sent).toHaveLength(1);
    expect(channel.sent[0]).toMatchObject({ count: 30, codes: { RECORD_BAD_VALUE: 22, RECORD_CONSTRAINT: 8 } });
    expect(channel.sent[0]?.samples.map((s) => s.recordId).slice(0, 2)).toEqual(['line:2', 'line:3']);
    expect(entries.filter((e) => e.level === 'warn')).toHaveLength(2);
    expect(entries.at(-1)?.message).toBe('notified 30 new errors in flow orders by email');
  });

  it('retries only the channel that failed', async () => {
    const email = memoryChannel('email');
    const webhook = memoryChannel('webhook');
    webhook.failures = 1;
    const { notifier } = start([email, webhook]);
    notifier.record(batch('orders', 0, 2));
    await notifier.settled();
    await advance(interval);
    expect(email.sent.map((d) => d.count)).toEqual([2]);
    expect(webhook.sent.map((d) => d.count)).toEqual([2]);
    expect(webhook.attempts).toBe(2);
  });

  it('never throws into the caller: a channel that throws at once, bad input', async () => {
    const broken: Channel = {
      name: 'broken',
      send() {
        throw new TypeError('boom');
      },
    };
    const { notifier, entries } = start([broken]);
    expect(() => notifier.record(batch('orders', 0, 1))).not.toThrow();
    expect(() => notifier.record(null as unknown as ErrorNotice[])).not.toThrow();
    await notifier.settled();
    const messages = entries.map((e) => e.message);
    expect(messages).toContain(
      'could not notify 1 new error in flow orders by broken: channel "broken" failed: boom. Trying again at 2026-01-01T00:15:00.000Z with the errors that arrive meanwhile (they are safe in the error store).',
    );
    expect(
      messages.some((m) => m.startsWith('notifier: could not take new errors (they are in the error store)')),
    ).toBe(true);
  });

  it('a malformed notice is logged; the good ones of the same call still go out', async () => {
    const channel = memoryChannel();
    const { notifier, entries } = start([channel]);
    notifier.record([notice('orders', 0), null as unknown as ErrorNotice, notice('orders', 1)]);
    await notifier.settled();
    expect(channel.sent.map((d) => d.count)).toEqual([1]);
    expect(
      entries.some((e) => e.level === 'error' && e.message.startsWith('notifier: could not take new errors')),
    ).toBe(true);
  });

  it('never waits for a delivery: a hanging channel does not block record, and is abandoned after sendTimeoutMs', async () => {
    let calls = 0;
    const counts: number[] = [];
    const hanging: Channel = {
      name: 'hanging',
      send: (digest) => {
        calls += 1;
        counts.push(digest.count);
        return new Promise<void>(() => {});
      },
    };
    const { log, entries } = recordingLogger();
    notifier = createNotifier({ config, clock, log, channels: [hanging], sendTimeoutMs: 2 * minute });
    notifier.record(batch('orders', 0, 1));
    notifier.record(batch('orders', 1, 50)); // returns although the first send never ends
    clock.advance(minute);
    expect(calls).toBe(1);
    await advance(minute); // the first send is abandoned
    expect(entries.at(-1)?.message).toMatch(
      /^could not notify 1 new error in flow orders by hanging: channel "hanging" failed: it did not finish within 120 s and was abandoned\. Trying again at 2026-01-01T00:15:00\.000Z/,
    );
    await advance(interval - 2 * minute - 1);
    expect(calls).toBe(1);
    clock.advance(1);
    expect(counts).toEqual([1, 50]);
    // the second one hangs too; close() tries once more and ends when that attempt is abandoned
    const closing = notifier.close();
    notifier = undefined;
    await clock.tick(4 * minute);
    await closing;
    expect(counts).toEqual([1, 50, 50]);
    expect(entries.at(-1)?.message).toBe(
      'notifier closed with 50 new errors in flow orders not sent by hanging; list them with `errors.list flow=orders status=open`',
    );
  });
});

describe('notifier flush and close', () => {
  it('flush sends what is pending now, whatever the interval', async () => {
    const channel = memoryChannel();
    const { notifier } = start([channel]);
    notifier.record(batch('orders', 0, 1));
    notifier.record(batch('orders', 1, 5));
    await notifier.flush();
    expect(channel.sent.map((d) => d.count)).toEqual([1, 4]);
  });

  it('close delivers the pending digest, ignores later errors and closes the channels', async () => {
    const channel = memoryChannel();
    const { notifier, entries } = start([channel]);
    notifier.record(batch('orders', 0, 1));
    notifier.record(batch('orders', 1, 3));
    await notifier.close();
    expect(channel.sent.map((d) => d.count)).toEqual([1, 2]);
    expect(channel.closed).toBe(true);
    notifier.record(batch('orders', 3, 4));
    await advance(2 * interval);
    expect(channel.sent).toHaveLength(2);
    expect(entries.at(-1)?.message).toBe('notifier is closed: new errors are not notified');
  });

  it('close reports what could not be delivered', async () => {
    const channel = memoryChannel('email');
    channel.failures = 5;
    const { notifier, entries } = start([channel]);
    notifier.record(batch('orders', 0, 1));
    await notifier.settled();
    notifier.record(batch('orders', 1, 3));
    await notifier.close();
    expect(channel.attempts).toBe(2);
    expect(entries.at(-1)?.message).toBe(
      'notifier closed with 3 new errors in flow orders not sent by email; list them with `errors.list flow=orders status=open`',
    );
  });
});

function runNotice(flow: string, runId: number, event: RunNotice['event'] = 'failed'): RunNotice {
  return {
    event,
    flow,
    runId,
    code: event === 'failed' ? 'SQL_ERROR' : 'PAUSED',
    message: `flow ${flow}: no such table: order_lines`,
    at: clock.now(),
    pages: 2,
    counts: { read: 200, written: 190, failed: 10, skipped: 0 },
  };
}

describe('run messages (failed and paused runs)', () => {
  it('go out at once; runs that end within the interval wait, the latest shown and the others counted', async () => {
    const channel = memoryChannel();
    const { notifier } = start([channel]);
    notifier.run(runNotice('orders', 1));
    await notifier.settled();
    expect(channel.runs.map((m) => [m.latest.runId, m.earlier])).toEqual([[1, 0]]);

    await advance(minute);
    notifier.run(runNotice('orders', 2));
    await advance(minute);
    notifier.run(runNotice('orders', 3, 'paused'));
    notifier.run(runNotice('customers', 4)); // another flow: its own interval
    await notifier.settled();
    expect(channel.runs.map((m) => [m.latest.runId, m.earlier])).toEqual([
      [1, 0],
      [4, 0],
    ]);
    await advance(interval - 2 * minute);
    expect(channel.runs.map((m) => [m.latest.runId, m.earlier])).toEqual([
      [1, 0],
      [4, 0],
      [3, 1],
    ]);
    expect(channel.runs[2]?.since.toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });

  it('are not held back by an error digest, nor hold one back', async () => {
    const channel = memoryChannel();
    const { notifier } = start([channel]);
    notifier.record(batch('orders', 0, 3));
    notifier.run(runNotice('orders', 1));
    await notifier.settled();
    expect(channel.sent).toHaveLength(1);
    expect(channel.runs).toHaveLength(1);
  });

  it('notify.on chooses: [errors] sends no run messages, [failed] neither digests nor paused runs', async () => {
    const errorsOnly = memoryChannel();
    const { log } = recordingLogger();
    const only = (on: string[], channel: Channel) =>
      createNotifier({
        config: notifyConfigSchema.parse({ webhook: { url: 'http://unused.example.com' }, on }),
        clock,
        log,
        channels: [channel],
      });
    const a = only(['errors'], errorsOnly);
    a.run(runNotice('orders', 1));
    a.record(batch('orders', 0, 1));
    await a.close();
    expect([errorsOnly.sent.length, errorsOnly.runs.length]).toEqual([1, 0]);

    const failedOnly = memoryChannel();
    const b = only(['failed'], failedOnly);
    b.record(batch('orders', 0, 1));
    b.run(runNotice('orders', 1, 'paused'));
    b.run(runNotice('orders', 2));
    await b.close();
    expect(failedOnly.sent).toHaveLength(0);
    expect(failedOnly.runs.map((m) => m.latest.runId)).toEqual([2]);
    expect(notifyConfigSchema.safeParse({ webhook: { url: 'http://x.example.com' }, on: ['failures'] }).success).toBe(
      false,
    );
    expect(notifyConfigSchema.parse({ webhook: { url: 'http://x.example.com' } }).on).toEqual([
      'errors',
      'failed',
      'paused',
    ]);
  });

  it('a failed delivery is logged and tried again one interval later, with what ended meanwhile', async () => {
    const channel = memoryChannel();
    channel.failures = 1;
    const { notifier, entries } = start([channel]);
    notifier.run(runNotice('orders', 1));
    await notifier.settled();
    expect(channel.runs).toHaveLength(0);
    const warning = entries.find((e) => e.level === 'warn')?.message ?? '';
    expect(warning).toContain(
      'could not notify run 1 of flow orders failed: SQL_ERROR by memory: memory server said 451',
    );
    expect(warning).toContain('Check: check the memory server.');
    notifier.run(runNotice('orders', 2));
    await advance(interval);
    expect(channel.runs.map((m) => [m.latest.runId, m.earlier])).toEqual([[2, 1]]);
  });
});
