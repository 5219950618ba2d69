import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Context, noMetrics, silentLogger, systemClock } from '../../sdk/index.js';
import { fileConnector } from './index.js';

describe('file connector', () => {
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
