import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { checkProject, createEngine, createRegistry } from '../../src/engine/index.js';
import { openStore } from '../../src/store/index.js';
import { tempContext } from '../helpers/temp-context.js';

const { dir } = tempContext('syncline-script-flow-');

const flowYaml = (script: string) => `connections:
  files: { type: file, dir: . }
flows:
  orders:
    source: { connection: files, type: file.csv, path: orders.csv, columns: { id: integer, qty: number, price: number } }
    steps:
      - script:
          timeout: 500ms
          code: |
${script
  .split('\n')
  .map((line) => `            ${line}`)
  .join('\n')}
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl }
`;

const transform = `function transform(order) {
  if (order.qty < 0) throw new Error('negative qty ' + order.qty);
  if (order.qty === 0) return null;
  return { id: order.id, total: order.qty * order.price };
}`;

describe('a flow with a script step', () => {
  it('runs the script from the flow file on every record; a throw sends that record to the error store', async () => {
    writeFileSync(join(dir, 'orders.csv'), 'id,qty,price\n1,2,1.5\n2,-1,3\n3,0,9\n4,4,2.5\n');
    const file = join(dir, 'flow.yaml');
    const project = parseProject(flowYaml(transform), file, { connectors: builtinConnectors, steps: builtinSteps });
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    const out = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toEqual([
      { id: 1, total: 3 },
      { id: 4, total: 10 },
    ]);
    expect(run.counts.steps.script).toMatchObject({ in: 4, out: 2, failed: 1, skipped: 1 });
    const [error] = await store.listErrors({ flow: 'orders' });
    expect([error?.code, error?.stage, error?.message, error?.payload]).toEqual([
      'SCRIPT_ERROR',
      { kind: 'step', name: 'script', index: 0 },
      `flow orders/step script (${join(dir, 'flow.yaml')}:7:9) record line:3: script line 2: negative qty -1`,
      { id: 2, qty: -1, price: 3 },
    ]);
    await store.close();
  });

  it('reports a syntax error in the script with the flow, the step and the file position before anything runs', async () => {
    const file = join(dir, 'broken.yaml');
    const project = parseProject(flowYaml('function transform(order) {\n  return order.qty *;\n}'), file, {
      connectors: builtinConnectors,
      steps: builtinSteps,
    });
    const problems = await checkProject(createRegistry(builtinConnectors, builtinSteps), project);
    expect(problems.map((p) => [p.code, p.where, p.message])).toEqual([
      [
        'CONFIG_BAD_SCRIPT',
        expect.stringMatching(/^flow orders\/step script \(.*broken\.yaml:\d+:\d+\)$/),
        "script line 2:21: SyntaxError: unexpected token in expression: ';'",
      ],
    ]);
  });
});
