import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueuedRun, RunQueue, RunRequest } from '../../src/queue/index.js';

/** A fresh, empty queue, and how to dispose of it. */
export type RunQueueFactory = () => Promise<{ queue: RunQueue; close?: () => Promise<void> }>;

const request = (flow: string, over: Partial<RunRequest> = {}): RunRequest => ({
  file: '/srv/flows/orders.yaml',
  flow,
  trigger: 'manual',
  fromStart: false,
  full: false,
  requestedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
  ...over,
});

/** A handler whose runs end when the test says so. */
function controlled() {
  const started: QueuedRun[] = [];
  const ended: string[] = [];
  const releases = new Map<string, () => void>();
  const handler = (run: QueuedRun) => {
    started.push(run);
    return new Promise<void>((resolve, reject) => {
      releases.set(run.id, () => resolve());
      run.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }).finally(() => ended.push(run.id));
  };
  const release = (id: string) => releases.get(id)?.();
  return { started, ended, handler, release, flows: () => started.map((r) => r.request.flow) };
}

const idOf = (e: { outcome: string; id?: string }) => {
  if (e.id === undefined) throw new Error(`no id: ${e.outcome}`);
  return e.id;
};

/**
 * What every RunQueue implementation must do, run against `factory`: order of arrival, one running
 * request per flow, dedupe by key, `overlap: skip|queue`, cancel, consumers that stop on their signal
 * and survive a throwing handler.
 */
export function describeRunQueueConformance(name: string, factory: RunQueueFactory): void {
  describe(`RunQueue conformance: ${name}`, () => {
    const open: { close?: () => Promise<void> }[] = [];
    const stops: AbortController[] = [];
    afterEach(async () => {
      for (const s of stops.splice(0)) s.abort();
      for (const o of open.splice(0)) await o.close?.();
    });
    const setup = async () => {
      const made = await factory();
      open.push(made);
      const stop = new AbortController();
      stops.push(stop);
      return { queue: made.queue, stop };
    };

    it('hands requests out in order of arrival, flows side by side, one at a time per flow', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      const a1 = idOf(await queue.enqueue(request('a')));
      const b = idOf(await queue.enqueue(request('b')));
      const a2 = await queue.enqueue(request('a'));
      expect(a2).toMatchObject({ outcome: 'queued', id: expect.any(String) });
      void queue.consume(h.handler, stop.signal);
      await vi.waitFor(() => expect(h.flows()).toEqual(['a', 'b']));
      expect(h.started[0]?.request).toEqual(request('a'));
      expect((await queue.list()).map((e) => e.state)).toEqual(['running', 'running', 'waiting']);
      h.release(b);
      await vi.waitFor(() => expect(h.ended).toEqual([b]));
      expect(h.flows()).toEqual(['a', 'b']); // the second a waits for the first
      h.release(a1);
      await vi.waitFor(() => expect(h.flows()).toEqual(['a', 'b', 'a']));
      expect(h.started[2]?.id).toBe(idOf(a2));
      h.release(idOf(a2));
      await vi.waitFor(async () => expect(await queue.list()).toEqual([]));
    });

    it('accepts a request when nothing of its flow is ahead, and names the running one otherwise', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      void queue.consume(h.handler, stop.signal);
      const first = await queue.enqueue(request('f'));
      expect(first.outcome).toBe('accepted');
      await vi.waitFor(() => expect(h.started).toHaveLength(1));
      const second = await queue.enqueue(request('f'), { overlap: 'queue' });
      expect(second).toMatchObject({ outcome: 'queued', running: idOf(first) });
      expect(idOf(second)).not.toBe(idOf(first));
    });

    it('overlap skip: refuses a request while one of its flow runs or waits, and adds nothing', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      void queue.consume(h.handler, stop.signal);
      const first = idOf(await queue.enqueue(request('f'), { overlap: 'skip' }));
      await vi.waitFor(() => expect(h.started).toHaveLength(1));
      expect(await queue.enqueue(request('f'), { overlap: 'skip' })).toEqual({ outcome: 'skipped', running: first });
      expect(await queue.enqueue(request('g'), { overlap: 'skip' })).toMatchObject({ outcome: 'accepted' });
      h.release(first);
      await vi.waitFor(() => expect(h.ended).toContain(first));
      expect(h.flows().filter((f) => f === 'f')).toHaveLength(1);
      expect(await queue.enqueue(request('f'), { overlap: 'skip' })).toMatchObject({ outcome: 'accepted' });
    });

    it('dedupes by key against the waiting request only: one more run after the running one', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      void queue.consume(h.handler, stop.signal);
      const first = idOf(await queue.enqueue(request('f'), { dedupeKey: 'f' }));
      await vi.waitFor(() => expect(h.started).toHaveLength(1));
      const second = await queue.enqueue(request('f'), { dedupeKey: 'f' });
      expect(second.outcome).toBe('queued');
      const third = await queue.enqueue(request('f'), { dedupeKey: 'f' });
      expect(third).toEqual({ outcome: 'deduped', id: idOf(second), running: first });
      const other = await queue.enqueue(request('f'), { dedupeKey: 'other' });
      expect(other.outcome).toBe('queued');
      h.release(first);
      await vi.waitFor(() => expect(h.started).toHaveLength(2));
      h.release(idOf(second));
      await vi.waitFor(() => expect(h.started).toHaveLength(3));
      h.release(idOf(other));
      await vi.waitFor(async () => expect(await queue.list()).toEqual([]));
      expect(h.started.map((r) => r.id)).toEqual([first, idOf(second), idOf(other)]);
    });

    it('cancel: a waiting request is dropped, a running one has its signal aborted', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      void queue.consume(h.handler, stop.signal);
      const running = idOf(await queue.enqueue(request('f')));
      const waiting = idOf(await queue.enqueue(request('f')));
      await vi.waitFor(() => expect(h.started).toHaveLength(1));
      expect(await queue.cancel(waiting)).toBe('dropped');
      expect((await queue.list()).map((e) => e.id)).toEqual([running]);
      expect(await queue.cancel(running)).toBe('aborting');
      expect(h.started[0]?.signal.aborted).toBe(true);
      await vi.waitFor(() => expect(h.ended).toEqual([running]));
      await vi.waitFor(async () => expect(await queue.cancel(running)).toBe('unknown'));
      expect(h.started).toHaveLength(1); // the dropped one never ran
    });

    it('consume stops on its signal: the running handlers are aborted and awaited; nothing new is handed out', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      const consuming = queue.consume(h.handler, stop.signal);
      await queue.enqueue(request('f'));
      await queue.enqueue(request('f'));
      await vi.waitFor(() => expect(h.started).toHaveLength(1));
      let stopped = false;
      void consuming.then(() => {
        stopped = true;
      });
      stop.abort();
      await consuming;
      expect(stopped).toBe(true);
      expect(h.started[0]?.signal.aborted).toBe(true);
      expect(h.ended).toHaveLength(1); // awaited before consume resolved
      await new Promise((r) => setTimeout(r, 20));
      expect(h.started).toHaveLength(1); // the waiting one was not handed out
      expect((await queue.list()).map((e) => e.state)).toEqual(['waiting']);
    });

    it('a throwing handler ends its request and the consumer goes on', async () => {
      const { queue, stop } = await setup();
      const seen: string[] = [];
      void queue.consume(async (run) => {
        seen.push(run.request.flow);
        if (run.request.flow === 'bad') throw new Error('boom');
      }, stop.signal);
      await queue.enqueue(request('bad'));
      await queue.enqueue(request('bad'));
      await queue.enqueue(request('good'));
      await vi.waitFor(() => expect(seen.sort()).toEqual(['bad', 'bad', 'good']));
      await vi.waitFor(async () => expect(await queue.list()).toEqual([]));
    });

    it('hands a request out only after its enqueue resolved', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      void queue.consume(h.handler, stop.signal);
      const enqueued = await queue.enqueue(request('f'));
      expect(h.started).toHaveLength(0);
      await vi.waitFor(() => expect(h.started.map((r) => r.id)).toEqual([idOf(enqueued)]));
    });

    it('requests are plain data: what is handed out equals what was enqueued', async () => {
      const { queue, stop } = await setup();
      const h = controlled();
      const sent = request('f', {
        trigger: 'next',
        after: 'e',
        parent: 'p1',
        fromStart: true,
        full: true,
        errorThreshold: { maxErrors: 3 },
      });
      await queue.enqueue(JSON.parse(JSON.stringify(sent)) as RunRequest);
      void queue.consume(h.handler, stop.signal);
      await vi.waitFor(() => expect(h.started).toHaveLength(1));
      expect(h.started[0]?.request).toEqual(sent);
    });
  });
}
