import { describe, expect, it } from 'vitest';
import { digestToJson, listAction, maxDigestSamples } from './error-notice.js';
import { addNotice, maxCountedCodes, type PendingErrors, restoreDigest, toDigest } from './pending-errors.js';
import { notice } from './test-helpers.js';

const now = new Date(Date.UTC(2026, 0, 1, 12));

function collect(flow: string, from: number, to: number, start?: PendingErrors): PendingErrors {
  let p = start;
  for (let i = from; i < to; i++) p = addNotice(p, notice(flow, i), now);
  return p as PendingErrors;
}

describe('pending errors', () => {
  it('counts every error and per code, keeps only the first samples', () => {
    const digest = toDigest(collect('orders', 0, 100));
    expect(digest.count).toBe(100);
    expect(digest.codes).toEqual({ RECORD_BAD_VALUE: 75, RECORD_CONSTRAINT: 25 });
    expect(Object.keys(digest.codes)).toEqual(['RECORD_BAD_VALUE', 'RECORD_CONSTRAINT']);
    expect(digest.samples).toHaveLength(maxDigestSamples);
    expect(digest.samples.map((s) => s.recordId)).toEqual(Array.from({ length: 10 }, (_, i) => `line:${i + 2}`));
    expect(digest.firstAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(digest.lastAt.toISOString()).toBe('2026-01-01T00:01:39.000Z');
    expect(digest.next.list).toEqual({ action: 'errors.list', filter: { flow: 'orders', status: 'open' } });
  });

  it('bounds the codes it counts one by one', () => {
    let p: PendingErrors | undefined;
    for (let i = 0; i < maxCountedCodes + 20; i++) p = addNotice(p, notice('f', i, { code: `CODE_${i}` }), now);
    const digest = toDigest(p as PendingErrors);
    expect(Object.keys(digest.codes)).toHaveLength(maxCountedCodes + 1);
    expect(digest.codes['OTHER']).toBe(20);
    expect(digest.count).toBe(maxCountedCodes + 20);
  });

  it('replaces an invalid time by now and cuts long messages', () => {
    const p = addNotice(undefined, notice('f', 0, { at: new Date(Number.NaN), message: 'x'.repeat(5000) }), now);
    const json = digestToJson(toDigest(p));
    expect(json.firstAt).toBe(now.toISOString());
    expect(json.samples[0]?.message.length).toBeLessThanOrEqual(500);
  });

  it('puts an unsent digest back in front of what arrived meanwhile', () => {
    const failed = toDigest(collect('orders', 0, 8));
    const restored = restoreDigest(failed, collect('orders', 8, 20));
    const digest = toDigest(restored);
    expect(digest.count).toBe(20);
    expect(digest.codes).toEqual({ RECORD_BAD_VALUE: 15, RECORD_CONSTRAINT: 5 });
    expect(digest.samples.map((s) => s.recordId)).toEqual(Array.from({ length: 10 }, (_, i) => `line:${i + 2}`));
    expect(digest.firstAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(digest.lastAt.toISOString()).toBe('2026-01-01T00:00:19.000Z');
    expect(toDigest(restoreDigest(failed, undefined)).count).toBe(8);
  });

  it('renders the webhook JSON body', () => {
    const p = collect('orders', 0, 12);
    const json = digestToJson(toDigest(addNotice(p, notice('orders', 12, { errorId: 42 }), now)));
    expect(json).toMatchObject({
      event: 'syncline.errors',
      flow: 'orders',
      count: 13,
      codes: { RECORD_BAD_VALUE: 9, RECORD_CONSTRAINT: 4 },
      moreErrors: 3,
      commands: {
        list: 'errors.list flow=orders status=open',
        show: 'errors.show',
        retry: 'errors.retry',
      },
    });
    expect(json.samples[0]).toEqual({
      runId: 7,
      code: 'RECORD_CONSTRAINT',
      stage: 'step:map',
      recordId: 'line:2',
      message: 'amount "x0" is not a number',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('names its next steps as data; without a renderer they read as neutral text', () => {
    expect(listAction("bob's orders", 'HTTP_REJECTED')).toEqual({
      action: 'errors.list',
      filter: { flow: "bob's orders", status: 'open', code: 'HTTP_REJECTED' },
    });
    const json = digestToJson(toDigest(collect('orders', 0, 1)));
    expect(json.commands.list).toBe('errors.list flow=orders status=open');
    expect(digestToJson(toDigest(collect('orders', 0, 1)), (a) => `do ${a.action}`).commands.retry).toBe(
      'do errors.retry',
    );
  });
});
