/**
 * Writes a flow file with many flows (default 10,000, ~5.9 MB), to measure `syncline validate` and
 * `syncline run <file> <flow>` on a large project:
 *   npx tsx scripts/many-flows.ts /tmp/many.yaml [count]
 * Every tenth flow hands its records on to a pipeline stage, so `next:` checks are exercised too.
 */
import { writeFileSync } from 'node:fs';
import { manyFlowsYaml } from '../test/helpers/many-flows.js';

const [file, count] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx scripts/many-flows.ts <out.yaml> [count]\n');
  process.exit(1);
}
const text = manyFlowsYaml(count === undefined ? 10_000 : Number(count));
writeFileSync(file, text);
process.stdout.write(`${file}: ${(text.length / 1e6).toFixed(1)} MB\n`);
