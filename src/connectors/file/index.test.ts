import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Context, noMetrics, silentLogger, systemClock } from '../../sdk/index.js';
import { fileConnector } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const allowed = [
  /^\.\/[\w-]+\.js$/,
  /^\.\.\/\.\.\/sdk\/index\.js$/,
  /^node:/,
  /^zod$/,
  /^csv-(parse|stringify)(\/sync)?$/,
  /^stream-json(\/.*)?$/,
  /^vitest$/,
];

describe('file connector', () => {
  it('imports only the sdk, its own files and its client libraries', () => {
    let seen = 0;
    for (const name of readdirSync(here).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(here, name), 'utf8');
      for (const [, spec] of source.matchAll(/^(?:import|export)\s[^;]*?from '([^']+)';$/gm)) {
        expect(
          allowed.some((re) => re.test(spec as string)),
          `${name} imports ${spec}`,
        ).toBe(true);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('offers csv, jsonl and json sources and destinations', () => {
    expect(fileConnector.name).toBe('file');
    expect(fileConnector.sources?.map((s) => s.type)).toEqual(['csv', 'jsonl', 'json']);
    expect(fileConnector.destinations?.map((d) => d.type)).toEqual(['csv', 'jsonl', 'json']);
  });

  it('resolves dir against the base folder and checks it exists', async () => {
    const base = mkdtempSync(join(tmpdir(), 'syncline-file-'));
    const ctx: Context = {
      runId: 't',
      flow: 't',
      signal: new AbortController().signal,
      clock: systemClock,
      log: silentLogger,
      metrics: noMetrics,
      baseDir: base,
    };
    const here = await fileConnector.open(fileConnector.connection.parse({}), ctx);
    expect(here).toEqual({ dir: base });
    await expect(fileConnector.check(here, ctx)).resolves.toBeUndefined();
    const missing = await fileConnector.open(fileConnector.connection.parse({ dir: 'nope' }), ctx);
    await expect(fileConnector.check(missing, ctx)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining(join(base, 'nope')),
    });
    await fileConnector.close(here);
  });
});
