/**
 * The emulators' process, compiled to dist/emulators/main.js and started by `syncline emulate`
 * (src/cli/emulate-command.ts) as a child process: the CLI never imports test code.
 */
import { emulate } from './emulate.js';
import { emulators } from './registry.js';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop.abort());
// Started by the CLI: its IPC channel closes when the CLI ends, however it ends; the channel itself
// must not keep this process alive (listing the emulators ends at once).
if (process.channel) {
  process.on('disconnect', () => stop.abort());
  process.channel.unref();
}

process.exitCode = await emulate(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: stop.signal,
  registry: emulators,
});
