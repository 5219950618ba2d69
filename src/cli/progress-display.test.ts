import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../engine/index.js';
import type { RunRow } from '../store/state-store.js';
import { createProgressDisplay } from './progress-display.js';

const at = new Date('2026-12-07T10:00:00Z');
const progress = (elapsedMs: number, read: number): RunProgress => ({
  type: 'run.progress',
  flow: 'orders',
  at,
  runId: 3,
  pages: read / 100,
  counts: { read, written: read, skipped: 0, failed: 2, steps: {}, destinations: {} },
  elapsedMs,
  resumedFrom: null,
  fraction: read / 1000,
  startFraction: 0,
});
const ended: RunRow = {
  id: 3,
  flow: 'orders',
  status: 'succeeded',
  trigger: 'cli',
  flowFile: null,
  startedAt: at,
  endedAt: new Date(at.getTime() + 9000),
  heartbeatAt: at,
  host: 'h',
  pid: 1,
  pages: 10,
  counts: { read: 1000, written: 998, skipped: 0, failed: 2, steps: {}, destinations: {} },
  error: null,
  resumedFrom: null,
};

function stream(tty: boolean): { out: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const s = new PassThrough();
  s.on('data', (d: Buffer) => chunks.push(d.toString()));
  const done = (cb?: () => void) => {
    cb?.();
    return true;
  };
  Object.assign(s, {
    isTTY: tty,
    columns: 200,
    cursorTo: (_x: number, _y?: number | (() => void), cb?: () => void) => done(typeof _y === 'function' ? _y : cb),
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => done(cb),
    clearLine: (_dir: number, cb?: () => void) => done(cb),
    clearScreenDown: (cb?: () => void) => done(cb),
  });
  return { out: s as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('the progress display', () => {
  it('off a terminal: a plain line every 5 seconds of the run, nothing at its end', async () => {
    const { out, text } = stream(false);
    const display = createProgressDisplay(out, 'orders');
    display.update(progress(1000, 100));
    display.update(progress(5200, 500));
    display.update(progress(6000, 600));
    display.finish(ended);
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('orders: 50%, ETA 5s, 500 records, 96 rec/s, 5 pages, 2 errors\n');
  });

  it('on a terminal: a live bar, ending with the run’s final counts', async () => {
    const { out, text } = stream(true);
    const display = createProgressDisplay(out, 'orders');
    display.update(progress(5000, 500));
    display.finish(ended);
    display.stop(); // a second stop does nothing
    await new Promise((r) => setImmediate(r));
    expect(text()).toContain('orders');
    expect(text()).toMatch(/1,000 records \| 111 rec\/s \| 10 pages \| 2 errors \| 9\.0s/);
  });
});
