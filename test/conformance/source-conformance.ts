import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Context,
  FlowError,
  type Json,
  noMetrics,
  type Page,
  silentLogger,
  systemClock,
} from '../../src/sdk/index.js';
import { type Capability, itWhen } from './capability.js';

/** How the suite reads: `from` a checkpoint, `since` a watermark (the harness adds its cursor field). */
export interface SourceReadArgs {
  readonly from?: Json;
  readonly since?: Json;
}

/** A source over data the harness seeded; everything is called after `setup`. */
export interface SourceHarness {
  /** Seeds the data (a table, a file, an inbox…); runs once before the tests. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** The context reads get, from the suite's (e.g. with the run's inbox); default as is. */
  context?(ctx: Context): Context;
  /** Reads the seeded data in pages small enough that it spans at least three pages. */
  read(args: SourceReadArgs, ctx: Context): AsyncIterable<Page>;
  /** The record ids (`meta.id`) a full read gives, in order. */
  ids(): readonly string[];
  /** Abort via the signal: every source must stop; `{ bug }` marks a known breach (optional, default kept). */
  readonly abort?: Capability<object>;
  /** Delta: a watermark and the ids a read since it gives (only records changed after it). */
  readonly delta: Capability<{ since(): Json; ids(): readonly string[] }>;
  /** Rows the source cannot read: a read over them gives these good ids and these failed ids. */
  readonly badRows: Capability<{
    read(ctx: Context): AsyncIterable<Page>;
    ids(): readonly string[];
    failedIds(): readonly string[];
  }>;
  /**
   * What a read holds while it is open (pool clients checked out, file descriptors on the file,
   * server sessions in a transaction): 0 once the read ended or was closed early.
   */
  readonly resources: Capability<{
    held(): Promise<number>;
    /** The read holds something between pages (a stream, a cursor): held() > 0 then, which proves the probe sees it. */
    readonly holdsWhileOpen: boolean;
  }>;
}

function context(signal: AbortSignal = new AbortController().signal): Context {
  return {
    runId: 'conformance',
    flow: 'conformance',
    signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: '.',
  };
}

async function readAll(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** Reads `count` pages, then stops early (`return()` of the iterator, as the engine does on a failure). */
async function readPages(pages: AsyncIterable<Page>, count: number): Promise<Page[]> {
  const out: Page[] = [];
  if (count === 0) return out;
  for await (const page of pages) {
    out.push(page);
    if (out.length === count) break;
  }
  return out;
}

/**
 * What `held()` settles at within a second: some releases finish a moment after the read (a file
 * stream's descriptor is closed asynchronously after destroy()).
 */
async function settled(held: () => Promise<number>): Promise<number> {
  const until = Date.now() + 1_000;
  let n = await held();
  while (n !== 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    n = await held();
  }
  return n;
}

const idsOf = (pages: readonly Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));

/**
 * The contract every source keeps: pages in order, each with a checkpoint that resumes exactly after
 * it; delta since a watermark; abort via the signal; bad rows as record failures; no resources left.
 */
export function describeSourceConformance(name: string, harness: SourceHarness): void {
  const ctxFor = (signal?: AbortSignal) => {
    const ctx = context(signal);
    return harness.context ? harness.context(ctx) : ctx;
  };
  describe(`${name} — source conformance`, () => {
    if (harness.setup) beforeAll(() => harness.setup?.());
    if (harness.teardown) afterAll(() => harness.teardown?.());

    it('reads every record once, in order, in pages that each carry a checkpoint', async () => {
      const pages = await readAll(harness.read({}, ctxFor()));
      expect(harness.ids().length).toBeGreaterThan(0);
      expect(idsOf(pages)).toEqual(harness.ids());
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages) {
        expect(page.records.length).toBeGreaterThan(0);
        expect(page.checkpoint).toBeDefined();
        expect(JSON.parse(JSON.stringify(page.checkpoint))).toEqual(page.checkpoint);
      }
    });

    it('a read stopped after page k resumes from its checkpoint with exactly the rest: nothing twice, nothing lost', async () => {
      const all = idsOf(await readAll(harness.read({}, ctxFor())));
      const pageCount = (await readAll(harness.read({}, ctxFor()))).length;
      for (let k = 1; k <= pageCount; k++) {
        const first = await readPages(harness.read({}, ctxFor()), k);
        expect(first).toHaveLength(k);
        const done = idsOf(first);
        const checkpoint = first[k - 1]?.checkpoint as Json;
        // the checkpoint as it comes back from the store: plain JSON
        const rest = await readAll(harness.read({ from: JSON.parse(JSON.stringify(checkpoint)) }, ctxFor()));
        expect([...done, ...idsOf(rest)]).toEqual(all);
      }
    });

    itWhen('delta: a read since a watermark gives only the records changed after it', harness.delta, async (delta) => {
      const pages = await readAll(harness.read({ since: delta.since() }, ctxFor()));
      expect(delta.ids().length).toBeGreaterThan(0);
      expect(delta.ids().length).toBeLessThan(harness.ids().length);
      expect(idsOf(pages)).toEqual(delta.ids());
    });

    itWhen(
      'abort via the signal: no page comes after the abort, and the read ends promptly',
      harness.abort ?? {},
      async () => {
        const controller = new AbortController();
        const iterator = harness.read({}, ctxFor(controller.signal))[Symbol.asyncIterator]();
        try {
          const first = await iterator.next();
          expect(first.done).toBe(false);
          controller.abort();
          const started = Date.now();
          const next = await iterator.next().then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          );
          expect(Date.now() - started).toBeLessThan(2_000);
          if ('error' in next) {
            expect(next.error).toBeInstanceOf(FlowError);
            expect(next.error).toMatchObject({ code: 'CANCELED' });
          } else {
            expect(next.result.done).toBe(true);
          }
        } finally {
          await iterator.return?.();
        }
      },
    );

    it('a signal aborted before the read gives no records', async () => {
      const controller = new AbortController();
      controller.abort();
      const pages: Page[] = [];
      const error = await (async () => {
        for await (const page of harness.read({}, ctxFor(controller.signal))) pages.push(page);
      })().catch((e: unknown) => e);
      expect(idsOf(pages)).toEqual([]);
      if (error !== undefined) expect(error).toMatchObject({ code: 'CANCELED' });
    });

    itWhen(
      'bad rows become record failures (Page.failed, kind record, a stable code); the good ones are read',
      harness.badRows,
      async (bad) => {
        const pages = await readAll(bad.read(ctxFor()));
        expect(idsOf(pages)).toEqual(bad.ids());
        const failed = pages.flatMap((p) => p.failed ?? []);
        expect(failed.map((f) => f.record.meta.id)).toEqual(bad.failedIds());
        for (const f of failed) {
          expect(f.error).toBeInstanceOf(FlowError);
          expect(f.error.kind).toBe('record');
          expect(f.error.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          expect(f.error.message.length).toBeGreaterThan(0);
        }
      },
    );

    itWhen(
      'closing releases resources: a read stopped early (return()) or read to the end holds nothing',
      harness.resources,
      async (resources) => {
        const read = harness.read;
        expect(await settled(resources.held)).toBe(0);
        const iterator = read({}, ctxFor())[Symbol.asyncIterator]();
        expect((await iterator.next()).done).toBe(false);
        if (resources.holdsWhileOpen) expect(await resources.held()).toBeGreaterThan(0);
        await iterator.return?.();
        expect(await settled(resources.held)).toBe(0);
        await readPages(read({}, ctxFor()), 2);
        expect(await settled(resources.held)).toBe(0);
        await readAll(read({}, ctxFor()));
        expect(await settled(resources.held)).toBe(0);
      },
    );
  });
}
