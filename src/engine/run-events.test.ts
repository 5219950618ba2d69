import { describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../sdk/index.js';
import type { RunEvent } from './run-event.js';
import { createRunEvents, SLOW_LISTENER_MS } from './run-events.js';

const event = (n: number): RunEvent => ({
  type: 'run.started',
  flow: 'f',
  at: new Date(n),
  runId: n,
  trigger: 'cli',
  flowFile: null,
  resumedFrom: null,
});

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (_fields: object, message?: string): void => {
      lines.push({ level, message: message ?? '' });
    };
  const log: Logger = { ...silentLogger, error: at('error'), warn: at('warn') };
  return { log, lines };
}

describe('the run event bus', () => {
  it('calls subscribers in order, synchronously, until they unsubscribe', () => {
    const bus = createRunEvents(silentLogger);
    const seen: string[] = [];
    const offA = bus.subscribe((e) => {
      seen.push(`a${e.type === 'run.started' ? e.runId : ''}`);
    });
    bus.subscribe((e) => {
      seen.push(`b${e.type === 'run.started' ? e.runId : ''}`);
    });
    bus.publish(event(1));
    expect(seen).toEqual(['a1', 'b1']); // before publish returned
    offA();
    bus.publish(event(2));
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('a subscriber that throws or rejects is logged; publish never throws and the others still hear it', async () => {
    const { log, lines } = recordingLog();
    const bus = createRunEvents(log);
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe(() => Promise.reject(new Error('later boom')));
    bus.subscribe((e) => {
      if (e.type === 'run.started') seen.push(e.runId);
    });
    expect(() => bus.publish(event(1))).not.toThrow();
    expect(seen).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'a subscriber of run.started events failed (the run goes on)',
      'a subscriber of run.started events failed (the run goes on)',
    ]);
  });

  it('a slow subscriber is named in the log', () => {
    const { log, lines } = recordingLog();
    const bus = createRunEvents(log);
    bus.subscribe(() => {
      const until = performance.now() + SLOW_LISTENER_MS + 20;
      while (performance.now() < until) {
        // busy: a subscriber doing slow work in line
      }
    });
    bus.publish(event(1));
    expect(lines.some((l) => l.level === 'warn' && l.message.includes('holding the run up'))).toBe(true);
  });

  it('close waits for the subscribers to finish, then nobody hears anything', async () => {
    const { log, lines } = recordingLog();
    const bus = createRunEvents(log);
    let flushed = false;
    let heard = 0;
    bus.subscribe(
      () => {
        heard += 1;
      },
      {
        close: async () => {
          await new Promise((r) => setTimeout(r, 20));
          flushed = true;
        },
      },
    );
    bus.subscribe(() => undefined, { close: () => Promise.reject(new Error('cannot close')) });
    bus.publish(event(1));
    await bus.close();
    expect(flushed).toBe(true);
    expect(lines.some((l) => l.message === 'a subscriber failed to close')).toBe(true);
    bus.publish(event(2));
    expect(heard).toBe(1);
  });
});
