import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type Context, noMetrics, silentLogger, systemClock } from '../../src/sdk/index.js';

/** A fresh temporary folder (removed after the test file) and a Context whose baseDir is that folder. */
export function tempContext(prefix: string): { dir: string; ctx: Context } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ctx: Context = {
    runId: 't',
    flow: 't',
    signal: new AbortController().signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: dir,
  };
  return { dir, ctx };
}
