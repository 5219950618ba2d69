import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempContext } from '../../test/helpers/temp-context.js';
import {
  type Context,
  createRecord,
  type DataRecord,
  FlowError,
  type JsonObject,
  type LogFields,
  type Logger,
} from '../sdk/index.js';
import { scriptConfigSchema } from './script-config.js';
import { type ScriptProcessor, scriptStep } from './script-step.js';
import { testContext } from './test-helpers.js';

const WHERE = 'flow f/step script (f.yaml:3:7)';
const opened: ScriptProcessor[] = [];

afterEach(() => {
  // disposing fails loudly (a QuickJS assertion) when a handle was left undisposed
  for (const p of opened.splice(0)) p.close();
});

async function create(config: Record<string, unknown>, ctx: Context = testContext): Promise<ScriptProcessor> {
  const p = (await scriptStep.create(
    { config: scriptConfigSchema.parse(config), where: WHERE },
    ctx,
  )) as ScriptProcessor;
  opened.push(p);
  return p;
}

async function createError(config: Record<string, unknown>, ctx: Context = testContext): Promise<FlowError> {
  try {
    const p = await create(config, ctx);
    throw new Error(`expected a FlowError, got a processor (${typeof p})`);
  } catch (error) {
    if (error instanceof FlowError) return error;
    throw error;
  }
}

const records = (rows: JsonObject[]): DataRecord[] =>
  rows.map((data, i) => createRecord(data, { id: `r${i + 1}`, position: `row ${i + 1}` }, `k${i + 1}`));

async function run(p: ScriptProcessor, rows: JsonObject[], ctx: Context = testContext) {
  const result = await p.process(records(rows), ctx);
  return {
    out: result.records.map((r) => [r.meta.id, r.data]),
    failed: result.failed.map((f) => [f.record.meta.id, f.error.code, f.error.message]),
    result,
  };
}

describe('script step: per record', () => {
  it('replaces each record with what transform returns, keeping id and key', async () => {
    const p = await create({
      code: 'function transform(record) {\n  record.total = record.qty * record.price;\n  return record;\n}',
    });
    const r = await run(p, [
      { qty: 2, price: 1.5 },
      { qty: 3, price: 2, name: 'Ä "quoted" \\ \u2028' },
    ]);
    expect(r.out).toEqual([
      ['r1', { qty: 2, price: 1.5, total: 3 }],
      ['r2', { qty: 3, price: 2, name: 'Ä "quoted" \\ \u2028', total: 6 }],
    ]);
    expect(r.result.records.map((x) => [x.key, x.meta.position])).toEqual([
      ['k1', 'row 1'],
      ['k2', 'row 2'],
    ]);
    expect(r.failed).toEqual([]);
  });

  it('drops a record for null or undefined and emits several for an array', async () => {
    const p = await create({
      code: `function transform(r) {
        if (r.skip === 'null') return null;
        if (r.skip === 'undefined') return;
        if (r.lines) return r.lines.map((l) => ({ order: r.id, sku: l }));
        return r;
      }`,
    });
    const r = await run(p, [
      { id: 1, skip: 'null' },
      { id: 2, lines: ['a', 'b', 'c'] },
      { id: 3, skip: 'undefined' },
      { id: 4, lines: ['d'] },
      { id: 5 },
    ]);
    expect(r.out).toEqual([
      ['r2#0', { order: 2, sku: 'a' }],
      ['r2#1', { order: 2, sku: 'b' }],
      ['r2#2', { order: 2, sku: 'c' }],
      ['r4', { order: 4, sku: 'd' }],
      ['r5', { id: 5 }],
    ]);
    expect(r.result.records[0]?.meta).toEqual({ id: 'r2#0', position: 'row 2[0]' });
    expect(r.result.records[0]?.key).toBeUndefined();
  });

  it('keeps order and every result across many chunks and pages', async () => {
    const p = await create({ code: 'let seen = 0;\nfunction transform(r) { seen++; return { n: r.n * 2, seen }; }' });
    const rows = Array.from({ length: 2500 }, (_, n) => ({ n, pad: 'x'.repeat(n % 3 === 0 ? 400 : 10) }));
    const first = await run(p, rows);
    expect(first.out.length).toBe(2500);
    expect(first.out.every(([, d], i) => (d as JsonObject).n === i * 2)).toBe(true);
    // one runtime for the whole step: global state lives on across calls and pages
    const second = await run(p, [{ n: 1 }]);
    expect(second.out).toEqual([['r1', { n: 2, seen: 2501 }]]);
  });

  it('fails a record whose transform throws with the script line and message; the others go on', async () => {
    const p = await create({
      code: [
        'function transform(record) {',
        '  if (record.custom) throw new Error("qty must be positive, got " + record.qty);',
        '  return { city: record.address.city };',
        '}',
      ].join('\n'),
    });
    const r = await run(p, [
      { address: { city: 'Köln' } },
      {},
      { custom: true, qty: -1 },
      { address: { city: 'Bonn' } },
    ]);
    expect(r.out).toEqual([
      ['r1', { city: 'Köln' }],
      ['r4', { city: 'Bonn' }],
    ]);
    expect(r.failed).toEqual([
      ['r2', 'SCRIPT_ERROR', "script line 3: TypeError: cannot read property 'city' of undefined"],
      ['r3', 'SCRIPT_ERROR', 'script line 2: qty must be positive, got -1'],
    ]);
    const error = r.result.failed[0]?.error;
    expect([error?.kind, error?.where]).toEqual(['record', `${WHERE} record r2`]);
  });

  it('names the innermost script line, and reports a thrown non-Error value', async () => {
    const p = await create({
      code: 'function helper(x) {\n  return x.toFixed(2);\n}\nfunction transform(r) {\n  if (r.s) throw "plain text";\n  return { v: helper(r.v) };\n}',
    });
    const r = await run(p, [{ v: null }, { s: true }]);
    expect(r.failed).toEqual([
      ['r1', 'SCRIPT_ERROR', "script line 2: TypeError: cannot read property 'toFixed' of null"],
      ['r2', 'SCRIPT_ERROR', 'the script threw "plain text"'],
    ]);
  });

  it('rejects results that are not JSON records, naming the key', async () => {
    const p = await create({
      code: `function transform(r) {
        switch (r.case) {
          case 'fn': return { id: 1, format: function () {} };
          case 'nan': return { total: r.qty * r.price };
          case 'hole': return [{ a: 1 }, undefined];
          case 'undef-item': return { list: [1, undefined] };
          case 'number': return 42;
          case 'nested': return { a: { b: [Infinity] } };
          case 'bigint': return { big: 10n };
          case 'cycle': { const o = {}; o.self = o; return o; }
          case 'omit': return { kept: 1, gone: undefined };
        }
      }`,
    });
    const cases = ['fn', 'nan', 'hole', 'undef-item', 'number', 'nested', 'bigint', 'cycle', 'omit'];
    const r = await run(
      p,
      cases.map((c) => ({ case: c })),
    );
    expect(r.failed).toEqual([
      ['r1', 'SCRIPT_BAD_RESULT', 'transform returned a function at "format"'],
      ['r2', 'SCRIPT_BAD_RESULT', 'transform returned NaN at "total"'],
      ['r3', 'SCRIPT_BAD_RESULT', 'transform returned an array whose item 1 is undefined'],
      ['r4', 'SCRIPT_BAD_RESULT', 'transform returned undefined at item 1'],
      ['r5', 'SCRIPT_BAD_RESULT', 'transform returned a number'],
      ['r6', 'SCRIPT_BAD_RESULT', 'transform returned Infinity at item 0'],
      ['r7', 'SCRIPT_BAD_RESULT', 'transform returned a bigint at "big"'],
      ['r8', 'SCRIPT_BAD_RESULT', expect.stringMatching(/^transform returned a value that is not JSON \(.*circular/)],
    ]);
    expect(r.out).toEqual([['r9', { kept: 1 }]]);
  });
});

describe('script step: limits', () => {
  it('stops an endless loop at the timeout; the records before and after still work', async () => {
    const p = await create({
      timeout: '150ms',
      code: 'function transform(r) {\n  while (r.loop) {}\n  return { n: r.n };\n}',
    });
    const started = performance.now();
    const r = await run(p, [{ n: 1 }, { n: 2 }, { n: 3, loop: true }, { n: 4 }, { n: 5 }]);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(r.out.map(([id]) => id)).toEqual(['r1', 'r2', 'r4', 'r5']);
    expect(r.failed).toEqual([['r3', 'SCRIPT_TIMEOUT', 'the script ran longer than 150ms on this record']]);
    // the runtime is still usable on the next page, including a loop as its first record
    const next = await run(p, [{ n: 6, loop: true }, { n: 7 }]);
    expect(next.failed.map((f) => f[1])).toEqual(['SCRIPT_TIMEOUT']);
    expect(next.out).toEqual([['r2', { n: 7 }]]);
  });

  it('a slow but finite chunk is not a timeout: each record gets the whole time', async () => {
    const p = await create({
      timeout: '100ms',
      code: 'function transform(r) {\n  const end = Date.now() + 30;\n  while (Date.now() < end) {}\n  return r;\n}',
    });
    const r = await run(
      p,
      Array.from({ length: 8 }, (_, n) => ({ n })),
    );
    expect(r.failed).toEqual([]);
    expect(r.out.map(([id]) => id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']);
  });

  it('fails a record that runs out of memory with SCRIPT_MEMORY, then starts the sandbox afresh', async () => {
    const p = await create({
      memory: '16MB',
      code: `let kept = [];
function transform(r) {
  if (r.big) { const a = []; while (true) a.push(new Array(10000).fill(a.length)); }
  if (r.leak) while (true) kept.push({ n: kept.length });
  kept.push(r.n);
  return { n: r.n, kept: kept.length };
}`,
    });
    const r = await run(p, [{ n: 1 }, { big: true }, { n: 3 }, { n: 4 }, { leak: true }, { n: 6 }]);
    expect(r.failed).toEqual([
      ['r2', 'SCRIPT_MEMORY', 'the script ran out of memory (limit 16MB) on this record'],
      ['r5', 'SCRIPT_MEMORY', 'the script ran out of memory (limit 16MB) on this record'],
    ]);
    // a fresh sandbox after each: the global `kept` starts empty again
    expect(r.out).toEqual([
      ['r1', { n: 1, kept: 1 }],
      ['r3', { n: 3, kept: 1 }],
      ['r4', { n: 4, kept: 2 }],
      ['r6', { n: 6, kept: 1 }],
    ]);
  });

  it('ends deep recursion with a clear error, and survives code that exhausts the host stack', async () => {
    const p = await create({
      code: `function down(n) { return down(n + 1) + 1; }
function transform(r) {
  if (r.recurse) return { v: down(0) };
  if (r.nest) return { v: eval('('.repeat(100000) + '1' + ')'.repeat(100000)) };
  return r;
}`,
    });
    const r = await run(p, [{ recurse: true }, { n: 2 }, { nest: true }, { n: 4 }]);
    expect(r.failed[0]).toEqual([
      'r1',
      'SCRIPT_ERROR',
      'script line 1: InternalError: stack overflow (recursion or nesting too deep)',
    ]);
    expect(r.failed[1]?.slice(0, 2)).toEqual(['r3', 'SCRIPT_ERROR']);
    expect(r.out).toEqual([
      ['r2', { n: 2 }],
      ['r4', { n: 4 }],
    ]);
  });

  it('gives the script nothing of the host: no require, process, fetch, timers or file access', async () => {
    const p = await create({
      code: `function transform() {
        const names = ['require', 'process', 'fetch', 'XMLHttpRequest', 'WebSocket', 'setTimeout', 'setInterval',
          'queueMicrotask', 'Buffer', 'module', 'exports', '__dirname', 'global', 'std', 'os', 'Deno', 'Bun',
          'WebAssembly', 'importScripts', 'navigator', 'location', 'performance', 'SharedArrayBuffer_host'];
        const seen = {};
        for (const n of names) seen[n] = typeof globalThis[n];
        const viaFunction = new Function('return typeof process + typeof require')();
        let imported = 'no';
        import('node:fs').then(() => { imported = 'yes'; }, () => { imported = 'rejected'; });
        return { seen, viaFunction, globals: Object.getOwnPropertyNames(globalThis).sort(), imported };
      }`,
    });
    const [[, data]] = (await run(p, [{}])).out as [[string, JsonObject]];
    const seen = data.seen as JsonObject;
    expect(Object.entries(seen).filter(([, t]) => t !== 'undefined')).toEqual([]);
    expect(data.viaFunction).toBe('undefinedundefined');
    expect(data.imported).toBe('no'); // no job loop: a dynamic import never even settles
    const ecmascript = new Set(
      'AggregateError Array ArrayBuffer BigInt BigInt64Array BigUint64Array Boolean DataView Date Error EvalError FinalizationRegistry Float16Array Float32Array Float64Array Function Infinity Int16Array Int32Array Int8Array InternalError Iterator JSON Map Math NaN Number Object Promise Proxy RangeError ReferenceError Reflect RegExp Set SharedArrayBuffer String Symbol SyntaxError TypeError URIError Uint16Array Uint32Array Uint8Array Uint8ClampedArray WeakMap WeakRef WeakSet decodeURI decodeURIComponent encodeURI encodeURIComponent escape eval globalThis isFinite isNaN parseFloat parseInt undefined unescape'.split(
        ' ',
      ),
    );
    expect((data.globals as string[]).filter((g) => !ecmascript.has(g))).toEqual(['console', 'transform']);
  });

  it('stops between calls when the run is canceled', async () => {
    const p = await create({ timeout: '200ms', code: 'function transform() { while (true) {} }' });
    const abort = new AbortController();
    const reason = new FlowError('CANCELED', 'run 1 was canceled');
    setTimeout(() => abort.abort(reason), 50);
    const started = performance.now();
    // five endless records would take 1s; the abort lands after the first call
    const endless = records([{}, {}, {}, {}, {}]);
    await expect(p.process(endless, { ...testContext, signal: abort.signal })).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(800);
  });
});

describe('script step: transformPage', () => {
  it('maps a whole page in one call; same length keeps ids, another length numbers them', async () => {
    const p = await create({
      code: `function transformPage(records) {
        if (records[0].mode === 'sum') return [{ total: records.reduce((s, r) => s + r.v, 0) }];
        return records.map((r) => ({ v: r.v * 10 }));
      }`,
    });
    const mapped = await run(p, [{ v: 1 }, { v: 2 }]);
    expect(mapped.out).toEqual([
      ['r1', { v: 10 }],
      ['r2', { v: 20 }],
    ]);
    expect(mapped.result.records.map((r) => r.key)).toEqual(['k1', 'k2']);
    const summed = await run(p, [{ mode: 'sum', v: 1 }, { v: 2 }, { v: 3 }]);
    expect(summed.out).toEqual([['r1..r3#0', { total: 6 }]]);
    expect((await p.process([], testContext)).records).toEqual([]);
  });

  it('fails every record of the page on a throw, a timeout or a bad result, and goes on with the next page', async () => {
    const p = await create({
      timeout: '100ms',
      code: `function transformPage(records) {
        const first = records[0];
        if (first.throw) throw new RangeError('page too odd');
        if (first.loop) while (true) {}
        if (first.bad) return { not: 'an array' };
        return records;
      }`,
    });
    const thrown = await run(p, [{ throw: true }, { n: 2 }]);
    expect(thrown.failed).toEqual([
      ['r1', 'SCRIPT_ERROR', 'script line 3: RangeError: page too odd'],
      ['r2', 'SCRIPT_ERROR', 'script line 3: RangeError: page too odd'],
    ]);
    const looped = await run(p, [{ loop: true }, { n: 2 }]);
    expect(looped.failed.map((f) => f.slice(1))).toEqual([
      ['SCRIPT_TIMEOUT', 'the script ran longer than 100ms on this page'],
      ['SCRIPT_TIMEOUT', 'the script ran longer than 100ms on this page'],
    ]);
    const bad = await run(p, [{ bad: true }]);
    expect(bad.failed).toEqual([['r1', 'SCRIPT_BAD_RESULT', 'transformPage returned an object']]);
    expect((await run(p, [{ n: 1 }])).out).toEqual([['r1', { n: 1 }]]);
  });
});

describe('script step: loading', () => {
  it('reports a syntax error with its line and column before anything runs', async () => {
    const e = await createError({ code: 'function transform(r) {\n  return r +;\n}' });
    expect([e.code, e.kind, e.where, e.message]).toEqual([
      'CONFIG_BAD_SCRIPT',
      'config',
      WHERE,
      "script line 2:13: SyntaxError: unexpected token in expression: ';'",
    ]);
  });

  it('requires exactly one of transform and transformPage, as functions', async () => {
    expect((await createError({ code: 'const x = 1;' })).message).toBe(
      'the script defines neither transform(record) nor transformPage(records)',
    );
    expect((await createError({ code: 'var transform = 5;' })).message).toBe('transform is a number, not a function');
    expect(
      (await createError({ code: 'function transform(r) { return r; }\nfunction transformPage(p) { return p; }' }))
        .message,
    ).toBe('the script defines both transform and transformPage: keep one');
    // a const arrow function counts
    const p = await create({ code: 'const transform = (r) => ({ ...r, ok: true });' });
    expect((await run(p, [{ a: 1 }])).out).toEqual([['r1', { a: 1, ok: true }]]);
  });

  it('fails on a throw or an endless loop in the top-level code', async () => {
    const thrown = await createError({ code: 'function transform(r) { return r; }\nnull.x;' });
    expect([thrown.code, thrown.message]).toEqual([
      'CONFIG_BAD_SCRIPT',
      "script line 2:5: TypeError: cannot read property 'x' of null",
    ]);
    expect((await createError({ code: 'throw "oops";' })).message).toBe('the script threw "oops"');
    const looped = await createError({
      timeout: '100ms',
      code: 'while (true) {}\nfunction transform(r) { return r; }',
    });
    expect([looped.code, looped.message]).toEqual(['CONFIG_BAD_SCRIPT', 'the top-level code ran longer than 100ms']);
  });

  it('reads `file:` relative to the flow folder, naming it in errors', async () => {
    const { dir, ctx } = tempContext('syncline-script-');
    writeFileSync(join(dir, 'enrich.js'), 'function transform(r) {\n  return { up: r.name.toUpperCase() };\n}\n');
    writeFileSync(join(dir, 'broken.js'), 'function transform(r) {\n  return r..x;\n}\n');
    const p = await create({ file: 'enrich.js' }, ctx);
    const r = await run(p, [{ name: 'ada' }, {}]);
    expect(r.out).toEqual([['r1', { up: 'ADA' }]]);
    expect(r.failed[0]?.[2]).toBe("enrich.js line 2: TypeError: cannot read property 'toUpperCase' of undefined");
    expect((await createError({ file: 'broken.js' }, ctx)).message).toMatch(/^broken\.js line 2:\d+: SyntaxError: /);
    const missing = await createError({ file: 'nope.js' }, ctx);
    expect([missing.code, missing.where, missing.message]).toEqual([
      'FILE_NOT_FOUND',
      WHERE,
      `cannot read the script ${join(dir, 'nope.js')}`,
    ]);
  });

  it('validates the config: one of code/file, limits in range, no unknown keys', () => {
    const ok = scriptConfigSchema.parse({ code: 'x' });
    expect(ok).toEqual({ code: 'x', timeout: '1s', memory: '64MB' });
    for (const bad of [
      {},
      { code: 'x', file: 'a.js' },
      { code: 'x', timeout: 0 },
      { code: 'x', timeout: 'soon' },
      { code: 'x', memory: '8MB' },
      { code: 'x', memory: '2GB' },
      { code: 'x', memory: 'lots' },
      { code: 'x', mode: 'page' },
    ]) {
      expect(scriptConfigSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('caps the timeout below the run lease: a call blocks the heartbeats that keep the flow', () => {
    expect(scriptConfigSchema.safeParse({ code: 'x', timeout: '30s' }).success).toBe(true);
    const long = scriptConfigSchema.safeParse({ code: 'x', timeout: '5m' });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.path).toEqual(['timeout']);
    expect(long.error?.issues[0]?.message).toMatch(/^at most 30s: a script call blocks the process/);
  });
});

describe('script step: console', () => {
  it('sends console lines to the run log with the record id, at most 100 per call', async () => {
    const lines: [string, LogFields, string | undefined][] = [];
    const log: Logger = {
      debug: (f, m) => lines.push(['debug', f, m]),
      info: (f, m) => lines.push(['info', f, m]),
      warn: (f, m) => lines.push(['warn', f, m]),
      error: (f, m) => lines.push(['error', f, m]),
      child: () => log,
    };
    const ctx = { ...testContext, log };
    const p = await create({
      code: `function transform(r) {
        if (r.many) for (let i = 0; i < 150; i++) console.log(i);
        else if (r.warn) console.warn('odd', { qty: r.qty });
        else console.log('total', r.qty * 2, [1, 2]);
        return r;
      }`,
    });
    await run(p, [{ qty: 2 }, { warn: true, qty: -1 }], ctx);
    expect(lines).toEqual([
      ['debug', { step: WHERE, record: 'r1' }, 'total 4 [1,2]'],
      ['warn', { step: WHERE, record: 'r2' }, 'odd {"qty":-1}'],
    ]);
    lines.length = 0;
    await run(p, [{ many: true }], ctx);
    expect(lines.length).toBe(101);
    expect(lines[100]).toEqual(['warn', { step: WHERE }, '50 more console lines not logged']);
  });
});
