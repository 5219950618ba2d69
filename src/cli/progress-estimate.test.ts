import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../engine/index.js';
import { progressEstimate } from './progress-estimate.js';

const base: RunProgress = {
  runId: 1,
  flow: 'f',
  type: 'run.progress',
  at: new Date(0),
  pages: 3,
  counts: {
    read: 0,
    written: 0,
    failed: 0,
    skipped: 0,
    steps: {},
    destinations: {},
  } as unknown as RunProgress['counts'],
  elapsedMs: 30_000,
  resumedFrom: null,
};

describe('progressEstimate', () => {
  it('says nothing where the source cannot tell how far it is', () => {
    expect(progressEstimate(base)).toEqual({ percent: '', eta: '' });
  });
  it('gives the percentage and the time left at the rate so far', () => {
    expect(progressEstimate({ ...base, fraction: 0.25, startFraction: 0 })).toEqual({
      percent: '25%',
      eta: 'ETA 1m 30s',
    });
  });
  it('a resumed run estimates from what it read itself', () => {
    // started at 50%, at 75% after 30 s: 25% more takes another 30 s
    expect(progressEstimate({ ...base, fraction: 0.75, startFraction: 0.5 })).toEqual({
      percent: '75%',
      eta: 'ETA 30s',
    });
  });
});
