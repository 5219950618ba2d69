/**
 * The emulators' process, compiled to dist/emulators/main.js and started by `syncline emulate`
 * (src/cli/emulate-command.ts) as a child process: the CLI never imports test code.
 */
import { emulate } from './emulate.js';
import { emulators } from './registry.js';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

process.exitCode = await emulate(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: stop.signal,
  registry: emulators,
});
