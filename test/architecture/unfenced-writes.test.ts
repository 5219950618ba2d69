import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A run owns its flow through a lease, and every write of a run is fenced by it (docs/architecture.md,
 * "Run ownership"). The state store also has a few unfenced writes of runs, checkpoints and watermarks
 * for test fixtures; this test fails when code under src/ (outside the store itself) calls one.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));
const unfenced = /\.(createRun|updateRun|clearCheckpoint|setWatermark)\(/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `file:line: call` for each unfenced write in the given files (the store's own folder excepted). */
function unfencedCalls(files: readonly { path: string; text: string }[]): string[] {
  return files.flatMap(({ path, text }) =>
    relative(src, path).startsWith('store/')
      ? []
      : text
          .split('\n')
          .flatMap((line, i) => [...line.matchAll(unfenced)].map((m) => `${relative(src, path)}:${i + 1}: ${m[1]}`)),
  );
}

describe('unfenced store writes', () => {
  it('no code outside the store writes a run, checkpoint or watermark without the lease', () => {
    const files = sourceFiles(src).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(100);
    expect(unfencedCalls(files)).toEqual([]);
  });

  it('finds such a call (the check can fail)', () => {
    const engineFile = join(src, 'engine', 'x.ts');
    expect(unfencedCalls([{ path: engineFile, text: 'await store.setWatermark(flow, s, v, at);' }])).toEqual([
      'engine/x.ts:1: setWatermark',
    ]);
    expect(unfencedCalls([{ path: join(src, 'store', 'y.ts'), text: 'this.updateRun(1, {})' }])).toEqual([]);
  });
});
