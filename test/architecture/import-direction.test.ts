import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md: imports point one way — sdk ← {steps, connectors, store, config, security, observe} ← engine (which also uses steps' date parsing) ← {cli}.
 * A connector imports only the sdk, its own folder and its client library. This test fails on any
 * import that breaks the direction.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));

/** The module a file belongs to: `sdk`, `engine`, `connectors/file`, … */
function moduleOf(file: string): string {
  const parts = relative(src, file).split('/');
  return parts[0] === 'connectors' ? `connectors/${parts[1]}` : (parts[0] ?? '');
}

const allowed: Record<string, (target: string) => boolean> = {
  sdk: () => false,
  steps: (t) => t === 'sdk',
  store: (t) => t === 'sdk',
  config: (t) => t === 'sdk',
  security: (t) => t === 'sdk' || t === 'store',
  connector: (t) => t === 'sdk',
  engine: (t) => ['sdk', 'config', 'steps', 'store', 'observe', 'security'].includes(t),
  observe: (t) => t === 'sdk',
  app: (t) => ['sdk', 'config', 'engine', 'store', 'observe', 'security'].includes(t),
  server: (t) => ['sdk', 'app'].includes(t),
  cli: (t) => t !== 'demo',
  demo: () => true,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const importPattern = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g;

describe('import direction', () => {
  const files = sourceFiles(src);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('every relative import points down the dependency direction', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = moduleOf(file);
      const rule = allowed[from.startsWith('connectors/') ? 'connector' : from];
      if (!rule) {
        violations.push(`${relative(src, file)}: module "${from}" has no rule in this test; add one`);
        continue;
      }
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(importPattern)) {
        if (!spec?.startsWith('.')) continue;
        const to = moduleOf(resolve(dirname(file), spec));
        if (to !== from && !rule(to)) violations.push(`${relative(src, file)} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('connectors use only the sdk, node built-ins and their own client libraries', () => {
    const clients: Record<string, string[]> = {
      file: ['zod', 'csv-stringify', 'csv-parse', 'stream-json'],
      sqlite: ['zod', 'better-sqlite3'],
      http: ['zod', 'p-queue', 'cockatiel', 'openid-client'],
      webhook: ['zod'],
      mysql: ['zod', 'mysql2'],
      postgres: ['zod', 'pg', 'pg-copy-streams'],
    };
    const violations: string[] = [];
    for (const file of files.filter((f) => moduleOf(f).startsWith('connectors/'))) {
      const name = moduleOf(file).split('/')[1] ?? '';
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(importPattern)) {
        if (!spec || spec.startsWith('.') || spec.startsWith('node:')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        if (!(clients[name] ?? []).includes(pkg)) violations.push(`${relative(src, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
