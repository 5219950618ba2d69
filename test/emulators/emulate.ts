import { parseArgs } from 'node:util';
import type { EmulatorClock } from './kit/emulator-clock.js';
import type { Emulator, StartedEmulator } from './kit/emulator-definition.js';
import { loadSeedFile } from './kit/seed-file.js';

/**
 * `syncline emulate [name] [--port N] [--seed file]`: without a name, lists the emulators; with one,
 * starts it with its seed, prints its URL, the credentials and a flow file to try, and serves until
 * `signal` aborts (SIGINT/SIGTERM in main.ts). Returns the exit code.
 */
export interface EmulateIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly signal: AbortSignal;
  readonly registry: readonly Emulator[];
  readonly clock?: EmulatorClock;
  /** Called once the emulator listens (tests use it to reach the server). */
  readonly onStarted?: (started: StartedEmulator) => void;
}

const usage = 'usage: syncline emulate [name] [--port N] [--seed file.yaml]';

export async function emulate(argv: readonly string[], io: EmulateIo): Promise<number> {
  let parsed: { values: { port?: string; seed?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, seed: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const [name, ...extra] = parsed.positionals;
  if (extra.length > 0) {
    io.stderr(`one emulator at a time: got ${parsed.positionals.join(', ')}\n${usage}\n`);
    return 2;
  }
  const names = io.registry.map((e) => e.name);
  if (name === undefined) {
    const width = Math.max(...names.map((n) => n.length));
    io.stdout(
      `Emulators (local stand-ins for vendor APIs, state in memory):\n${io.registry
        .map((e) => `  ${e.name.padEnd(width)}  ${e.description}`)
        .join('\n')}\n\nStart one: syncline emulate <name> [--port N] [--seed file.yaml]\n`,
    );
    return 0;
  }
  const emulator = io.registry.find((e) => e.name === name);
  if (!emulator) {
    io.stderr(`no emulator named "${name}": the emulators are ${names.join(', ')} (syncline emulate lists them)\n`);
    return 2;
  }
  const port = parsed.values.port === undefined ? 0 : Number(parsed.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr(`--port: expected a port number 0-65535, got "${parsed.values.port}"\n`);
    return 2;
  }
  let seed: unknown;
  if (parsed.values.seed !== undefined) {
    const loaded = await loadSeedFile(parsed.values.seed, emulator.seedSchema);
    if (!loaded.ok) {
      io.stderr(
        `the seed file does not fit the ${name} emulator:\n${loaded.problems.map((p) => `  ${p}`).join('\n')}\n` +
          'See docs/emulators.md for the seed format of each emulator.\n',
      );
      return 1;
    }
    seed = loaded.seed;
  }

  let started: StartedEmulator;
  try {
    started = await emulator.start({
      port,
      ...(seed === undefined ? {} : { seed }),
      ...(io.clock === undefined ? {} : { clock: io.clock }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      code === 'EADDRINUSE'
        ? `port ${port} is in use: choose another with --port (0: any free port)\n`
        : `the ${name} emulator did not start: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const creds = Object.entries(started.credentials);
  const width = Math.max(0, ...creds.map(([k]) => k.length));
  io.stdout(
    `${name} emulator listening on ${started.url}\n\nCredentials:\n${creds
      .map(([k, v]) => `  ${`${k}:`.padEnd(width + 1)} ${v}`)
      .join('\n')}\n\nA flow file to try:\n\n${started.snippet}\nPress Ctrl-C to stop.\n`,
  );
  io.onStarted?.(started);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await started.close();
  io.stdout(`${name} emulator stopped\n`);
  return 0;
}
