import { writeFileSync } from 'node:fs';
import { builtinConnectors, builtinSteps } from '../src/cli/builtins.js';
import { loadProject } from '../src/config/index.js';
import { createEngine } from '../src/engine/index.js';
import { openStore } from '../src/store/index.js';
import { peakRssMb } from './peak-rss.js';

/** Writes `yaml` to `file`, runs `flow` through the real engine with its own state store, returns the records written. */
export async function runFlowYaml(file: string, yaml: string, flow: string, statePath: string): Promise<number> {
  writeFileSync(file, yaml);
  const project = await loadProject(file, { connectors: builtinConnectors, steps: builtinSteps });
  const store = await openStore(statePath);
  const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
  const run = await engine.run(project, flow, { trigger: 'cli' });
  await store.close();
  if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
  return run.counts.written;
}

/** Times `measure` and prints the `BENCH {...}` line the bench runner reads. */
export async function reportBench(mode: string, measure: () => Promise<number>): Promise<void> {
  const t0 = performance.now();
  const records = await measure();
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `BENCH ${JSON.stringify({ mode, records, seconds: Number(seconds.toFixed(2)), recordsPerSec: Math.round(records / seconds), peakRssMb: peakRssMb() })}`,
  );
}
