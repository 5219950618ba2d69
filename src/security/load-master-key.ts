import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { FlowError } from '../sdk/index.js';
import { type MasterKey, masterKey } from './secret-box.js';

/** Where the key was kept before it moved out of the store's folder; still read, with a warning. */
export const LEGACY_KEY_FILE = './.syncline/master.key';

/**
 * The default key file: `$XDG_CONFIG_HOME/syncline/master.key`, else `~/.config/syncline/master.key`.
 * Not beside the state store: a copy of a project's `.syncline/` folder (a backup, a zip sent along)
 * must not carry the sealed secrets together with the key that opens them.
 */
export function defaultKeyFile(env: Record<string, string | undefined> = process.env): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'syncline', 'master.key');
}

/** For the CLI: a warning on standard error. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function decode(text: string, source: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new FlowError('MASTER_KEY_INVALID', `${source} does not hold a 32-byte key (base64 or 64 hex digits)`);
  }
  return key;
}

export interface MasterKeyOptions {
  env?: Record<string, string | undefined>;
  /** Create the key file with a fresh random key when there is none (default true). */
  create?: boolean;
  /** Told when the key comes from its old place beside the state store. */
  warn?: (message: string) => void;
}

/**
 * The key that seals secrets: SYNCLINE_MASTER_KEY (base64 or hex), else the key file
 * (SYNCLINE_MASTER_KEY_FILE, default defaultKeyFile(): ~/.config/syncline/master.key), generated
 * with mode 0600 in a 0700 folder on first use. A key file that others can read is refused. A key
 * still in its old place (./.syncline/master.key) is used, with a warning to move it.
 */
export async function loadMasterKey(options: MasterKeyOptions = {}): Promise<MasterKey | undefined> {
  const env = options.env ?? process.env;
  const inline = env.SYNCLINE_MASTER_KEY;
  if (inline) return masterKey(decode(inline, 'SYNCLINE_MASTER_KEY'));
  let file = env.SYNCLINE_MASTER_KEY_FILE || defaultKeyFile(env);
  if (!env.SYNCLINE_MASTER_KEY_FILE && !(await exists(file)) && (await exists(LEGACY_KEY_FILE))) {
    options.warn?.(
      `the master key was read from ${LEGACY_KEY_FILE}, beside the state store: a copy of .syncline/ carries the secrets and their key. ` +
        `Move it: mkdir -p -m 700 ${dirname(file)} && mv ${LEGACY_KEY_FILE} ${file} (or set SYNCLINE_MASTER_KEY_FILE)`,
    );
    file = LEGACY_KEY_FILE;
  }
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new FlowError(
        'MASTER_KEY_INVALID',
        `the master key file ${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)})`,
        {
          hint: `run: chmod 600 ${file}`,
        },
      );
    }
    return masterKey(decode(await readFile(file, 'utf8'), file));
  } catch (error) {
    if (error instanceof FlowError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new FlowError('MASTER_KEY_INVALID', `cannot read the master key file ${file}: ${(error as Error).message}`);
    }
  }
  if (options.create === false) return undefined;
  const key = randomBytes(32);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return masterKey(key);
}
