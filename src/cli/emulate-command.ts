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
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  // Ctrl-C reaches both processes (one process group); a SIGTERM sent to this one alone is passed on.
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => done(code ?? (signal === null ? 1 : 128 + (signalNumbers[signal] ?? 0))));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
