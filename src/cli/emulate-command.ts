import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `syncline emulate [name] [--port N] [--seed file]`: runs the emulators' own process
 * (dist/emulators/main.js, built from test/emulators by `npm run build`) with the terminal handed
 * over, forwards SIGINT/SIGTERM to it and exits with its code. The emulators are stand-ins for vendors'
 * servers, so src/ never imports them (docs/architecture.md, "The emulators"); this file only knows
 * where the built entry lies: `dist/emulators/main.js` of the package, two folders above this file
 * whether it runs from src/cli or dist/cli.
 */
export const emulatorEntry = fileURLToPath(new URL('../../dist/emulators/main.js', import.meta.url));

export interface EmulateOptions {
  readonly port?: number;
  readonly seed?: string;
}

export async function emulateCommand(name: string | undefined, options: EmulateOptions): Promise<number> {
  if (!existsSync(emulatorEntry)) {
    throw new Error(`the emulators are not built (${emulatorEntry} is missing): run \`npm run build\` first`);
  }
  const args = [
    emulatorEntry,
    ...(name === undefined ? [] : [name]),
    ...(options.port === undefined ? [] : ['--port', String(options.port)]),
    ...(options.seed === undefined ? [] : ['--seed', resolve(options.seed)]),
  ];
  // The child gets a process group of its own, so that Ctrl-C reaches it once, from here, and not also
  // from the terminal (a second SIGINT landing while it exits would kill it). The IPC channel closes
  // when this process ends in any way (SIGKILL included), and the emulator then stops as well.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  try {
    return await new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => done(code ?? (signal === null ? 1 : 128 + (signalNumbers[signal] ?? 0))));
    });
  } finally {
    for (const signal of signals) process.off(signal, forward);
  }
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
