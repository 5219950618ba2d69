import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FlowError } from '../sdk/index.js';
import { type MasterKey, masterKey } from './secret-box.js';

export const DEFAULT_KEY_FILE = './.syncline/master.key';

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
}

/**
 * The key that seals secrets: SYNCLINE_MASTER_KEY (base64 or hex), else the key file
 * (SYNCLINE_MASTER_KEY_FILE, default ./.syncline/master.key), generated with mode 0600 on first use.
 * A key file that others can read is refused.
 */
export async function loadMasterKey(options: MasterKeyOptions = {}): Promise<MasterKey | undefined> {
  const env = options.env ?? process.env;
  const inline = env.SYNCLINE_MASTER_KEY;
  if (inline) return masterKey(decode(inline, 'SYNCLINE_MASTER_KEY'));
  const file = env.SYNCLINE_MASTER_KEY_FILE || DEFAULT_KEY_FILE;
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
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return masterKey(key);
}
