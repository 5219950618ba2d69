import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createSyncline } from '../../src/app/index.js';
import { builtinCatalog, builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import type { ProjectDefinition } from '../../src/config/definition.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { openStore, type StateStore } from '../../src/store/index.js';

/**
 * A flow file with its input files in a fresh folder, the bundled connectors and steps, and an
 * in-memory store: what `syncline run` and `syncline errors retry` use, without a process.
 */
export interface Harness {
  readonly dir: () => string;
  setup(
    flowYaml: string,
    files: Record<string, string>,
  ): Promise<{ engine: Engine; project: ProjectDefinition; store: StateStore }>;
  /** The folder's flow.yaml as it is now, loaded by the app's projects service. */
  load(): Promise<ProjectDefinition>;
  openErrors(flow: string): Promise<Awaited<ReturnType<StateStore['listErrors']>>>;
  /** The non-empty lines of a file of the folder. */
  lines(name: string): string[];
  write(name: string, text: string): void;
  read(name: string): string;
}

export function retryHarness(): Harness {
  let dir = '';
  let store: StateStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const load = () =>
    createSyncline({ store: store as StateStore, catalog: builtinCatalog }).projects.load(join(dir, 'flow.yaml'));
  return {
    dir: () => dir,
    async setup(flowYaml, files) {
      dir = mkdtempSync(join(tmpdir(), 'syncline-retry-'));
      writeFileSync(join(dir, 'flow.yaml'), flowYaml);
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const opened = await openStore(':memory:');
      store = opened;
      const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store: opened });
      return { engine, project: await load(), store: opened };
    },
    load,
    openErrors: (flow) => (store as StateStore).listErrors({ flow, status: 'open' }),
    lines: (name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    write: (name, text) => writeFileSync(join(dir, name), text),
    read: (name) => readFileSync(join(dir, name), 'utf8'),
  };
}
