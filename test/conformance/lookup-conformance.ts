import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Context,
  createRecord,
  FlowError,
  type Json,
  type JsonObject,
  ManualClock,
  noMetrics,
  type Processor,
  silentLogger,
} from '../../src/sdk/index.js';
import { type Capability, itWhen } from './capability.js';

export interface LookupOptions {
  readonly onMissing: 'error' | 'skip' | 'null' | 'default';
  /** With onMissing default: the value of `found`. */
  readonly default?: Json;
  readonly cache?: { readonly size: number; readonly ttl: string };
}

export interface LookupHarness {
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** A lookup step over the seeded data that sets field `found` on each record it finds. */
  create(options: LookupOptions, ctx: Context): Promise<Processor> | Processor;
  /** Records the lookup finds, with the value it sets as `found` (at least two). */
  found(): readonly { readonly record: JsonObject; readonly value: Json }[];
  /** A record nothing matches. */
  missing(): JsonObject;
  /** The context the step runs with, from the suite's (e.g. with metrics that count queries); default as is. */
  context?(ctx: Context): Context;
  /** Queries or requests made so far (to see cache hits). */
  calls(): number;
  /** A record whose lookup fails for that record alone (a failure, not a miss), with its code. */
  readonly failure: Capability<{ record(): JsonObject; readonly code: string }>;
}

const records = (rows: readonly JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

/** The contract every lookup step keeps: found, not found under each onMissing policy, cache, record failures. */
export function describeLookupConformance(name: string, harness: LookupHarness): void {
  describe(`${name} — lookup conformance`, () => {
    const clock = new ManualClock();
    const base: Context = {
      runId: 'conformance',
      flow: 'conformance',
      signal: new AbortController().signal,
      clock,
      log: silentLogger,
      metrics: noMetrics,
      baseDir: '.',
    };
    const ctx = harness.context ? harness.context(base) : base;
    if (harness.setup) beforeAll(() => harness.setup?.());
    if (harness.teardown) afterAll(() => harness.teardown?.());

    it('a match sets the field and keeps the rest of the record, its meta and its order', async () => {
      const p = await harness.create({ onMissing: 'error' }, ctx);
      const found = harness.found();
      const input = records([...found.map((f) => f.record), ...found.map((f) => f.record)].reverse());
      const out = await p.process(input, ctx);
      expect(out.failed).toEqual([]);
      expect(out.records.map((r) => r.meta.id)).toEqual(input.map((r) => r.meta.id));
      const values = [...found.map((f) => f.value), ...found.map((f) => f.value)].reverse();
      expect(out.records.map((r) => r.data['found'])).toEqual(values);
      for (const [i, r] of out.records.entries()) expect(r.data).toMatchObject(input[i]?.data as JsonObject);
    });

    it('not found, onMissing error: the record fails alone with RECORD_NOT_FOUND (kind record)', async () => {
      const p = await harness.create({ onMissing: 'error' }, ctx);
      const [hit] = harness.found();
      const out = await p.process(records([harness.missing(), hit?.record as JsonObject]), ctx);
      expect(out.records.map((r) => [r.meta.id, r.data['found']])).toEqual([['r2', hit?.value]]);
      expect(out.failed.map((f) => [f.record.meta.id, f.error.code, f.error.kind])).toEqual([
        ['r1', 'RECORD_NOT_FOUND', 'record'],
      ]);
      expect(out.failed[0]?.error).toBeInstanceOf(FlowError);
    });

    it.each([
      ['skip', [], undefined],
      ['null', [null], undefined],
      ['default', ['fallback'], 'fallback'],
    ] as const)('not found, onMissing %s', async (onMissing, missingValue, fallback) => {
      const p = await harness.create({ onMissing, ...(fallback === undefined ? {} : { default: fallback }) }, ctx);
      const [hit] = harness.found();
      const out = await p.process(records([hit?.record as JsonObject, harness.missing()]), ctx);
      expect(out.failed).toEqual([]);
      expect(out.records.map((r) => r.data['found'])).toEqual([hit?.value, ...missingValue]);
    });

    it('a cache answers the second page without asking again, until its ttl passes', async () => {
      const p = await harness.create({ onMissing: 'null', cache: { size: 100, ttl: '10m' } }, ctx);
      const page = records([...harness.found().map((f) => f.record), harness.missing()]);
      const first = await p.process(page, ctx);
      const asked = harness.calls();
      const second = await p.process(page, ctx);
      expect(harness.calls()).toBe(asked);
      expect(second.records.map((r) => r.data)).toEqual(first.records.map((r) => r.data));
      clock.advance(11 * 60_000);
      await p.process(page, ctx);
      expect(harness.calls()).toBeGreaterThan(asked);
    });

    it('without a cache, every page asks again', async () => {
      const p = await harness.create({ onMissing: 'null' }, ctx);
      const page = records(harness.found().map((f) => f.record));
      await p.process(page, ctx);
      const asked = harness.calls();
      await p.process(page, ctx);
      expect(harness.calls()).toBeGreaterThan(asked);
    });

    itWhen('a failed lookup is a record failure: the others are enriched', harness.failure, async (failure) => {
      const p = await harness.create({ onMissing: 'null' }, ctx);
      const [a, b] = harness.found();
      const out = await p.process(records([a?.record as JsonObject, failure.record(), b?.record as JsonObject]), ctx);
      expect(out.records.map((r) => [r.meta.id, r.data['found']])).toEqual([
        ['r1', a?.value],
        ['r3', b?.value],
      ]);
      expect(out.failed.map((f) => [f.record.meta.id, f.error.code, f.error.kind])).toEqual([
        ['r2', failure.code, 'record'],
      ]);
    });
  });
}
