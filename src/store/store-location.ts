import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The store's folder beside a flow file, and the file in it. */
export const STORE_FOLDER = '.syncline';
export const STORE_FILE = 'syncline.db';

export interface StoreChoice {
  /** A SQLite file path (absolute) or a postgres:// URL. */
  location: string;
  /** How it was chosen, for messages: `--db`, `SYNCLINE_DB`, `beside flows/orders.yaml`, … */
  chosenBy: string;
}

export interface StoreChoiceInput {
  /** `--db`. */
  db?: string | undefined;
  /** The flow file the command works on, if it has one. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The nearest `.syncline/syncline.db` in `from` or a folder above it. */
function findUp(from: string): string | undefined {
  for (let folder = from; ; folder = dirname(folder)) {
    const candidate = join(folder, STORE_FOLDER, STORE_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * Where a command's state store is: `--db`, else `$SYNCLINE_DB`, else `.syncline/syncline.db` in the
 * flow file's folder, the same whatever the current folder is (a run from elsewhere finds the same
 * checkpoints, watermarks and lease). A command without a flow file (status, runs, errors) uses the
 * nearest `.syncline/syncline.db` in the current folder or above it.
 */
export function chooseStore(input: StoreChoiceInput): StoreChoice {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const absolute = (location: string) => (/^postgres(ql)?:\/\//i.test(location) ? location : resolve(cwd, location));
  if (input.db !== undefined && input.db !== '') return { location: absolute(input.db), chosenBy: '--db' };
  const fromEnv = env['SYNCLINE_DB'];
  if (fromEnv !== undefined && fromEnv !== '') return { location: absolute(fromEnv), chosenBy: 'SYNCLINE_DB' };
  if (input.file !== undefined) {
    const file = resolve(cwd, input.file);
    return { location: join(dirname(file), STORE_FOLDER, STORE_FILE), chosenBy: `beside the flow file ${file}` };
  }
  const found = findUp(cwd);
  if (found !== undefined) return { location: found, chosenBy: `found from ${cwd}` };
  return {
    location: join(cwd, STORE_FOLDER, STORE_FILE),
    chosenBy: `no flow file given, so looked for ${STORE_FOLDER}/${STORE_FILE} in ${cwd} and the folders above it`,
  };
}
