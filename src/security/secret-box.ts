import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { FlowError } from '../sdk/index.js';

/** A 32-byte AES-256 key and its short id (so a secret says which key sealed it). */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export function masterKey(key: Buffer): MasterKey {
  if (key.length !== 32)
    throw new FlowError('MASTER_KEY_INVALID', `the master key must be 32 bytes, got ${key.length}`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/**
 * Seals a secret with AES-256-GCM: `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts). The name
 * is bound as additional data, so a sealed value copied to another name does not open.
 */
export function sealSecret(key: MasterKey, name: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', key.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(
    ':',
  );
}

/** Opens a sealed secret with whichever of `keys` sealed it (the first is current, others are older). */
export function openSecret(keys: readonly MasterKey[], name: string, sealed: string): string {
  const [version, id, iv, tag, data] = sealed.split(':');
  if (version !== 'v1' || !id || !iv || !tag || data === undefined) {
    throw new FlowError('SECRET_UNREADABLE', `secret ${name} is not in a known sealed format`);
  }
  const key = keys.find((k) => k.id === id);
  if (!key) {
    throw new FlowError(
      'SECRET_UNREADABLE',
      `secret ${name} was sealed with master key ${id}, but the master key is ${keys[0]?.id ?? '(none)'}`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new FlowError(
      'SECRET_UNREADABLE',
      `secret ${name} does not decrypt with master key ${id}: the stored value was altered`,
    );
  }
}
