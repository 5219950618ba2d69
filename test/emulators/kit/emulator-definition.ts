import type { z } from 'zod';
import type { EmulatorApp } from './emulator-app.js';
import type { EmulatorClock } from './emulator-clock.js';

/**
 * What the registry knows of an emulator, and what `syncline emulate <name>` starts: a name, a
 * description, the schema of its seed file and the seed it starts with otherwise, how to build it,
 * and what to tell a user once it listens (credentials, a flow file that reads from it).
 */
export interface EmulatorDefinition<S> {
  readonly name: string;
  readonly description: string;
  readonly seedSchema: z.ZodType<S>;
  readonly defaultSeed: S;
  create(options: { seed: S; clock?: EmulatorClock }): EmulatorApp;
  /** Credentials to connect with (names → values), for the banner. */
  credentials(seed: S): Readonly<Record<string, string>>;
  /** A flow file that reads from the emulator at `url`, ready to run. */
  snippet(url: string, seed: S): string;
}

/** An emulator of the registry, its seed type hidden: the seed goes in as data and is checked. */
export interface Emulator {
  readonly name: string;
  readonly description: string;
  readonly seedSchema: z.ZodType<unknown>;
  /** Builds and starts it; the seed is the default one when none is given. */
  start(options: { port?: number; host?: string; seed?: unknown; clock?: EmulatorClock }): Promise<StartedEmulator>;
}

export interface StartedEmulator {
  readonly url: string;
  readonly emulator: EmulatorApp;
  readonly credentials: Readonly<Record<string, string>>;
  readonly snippet: string;
  close(): Promise<void>;
}

export function defineEmulator<S>(definition: EmulatorDefinition<S>): Emulator {
  return {
    name: definition.name,
    description: definition.description,
    seedSchema: definition.seedSchema,
    async start({ port = 0, host = '127.0.0.1', seed, clock }) {
      const parsed = seed === undefined ? definition.defaultSeed : definition.seedSchema.parse(seed);
      const emulator = definition.create({ seed: parsed, ...(clock === undefined ? {} : { clock }) });
      const url = await emulator.listen(port, host);
      return {
        url,
        emulator,
        credentials: definition.credentials(parsed),
        snippet: definition.snippet(url, parsed),
        close: () => emulator.close(),
      };
    },
  };
}
