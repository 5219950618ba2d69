import { FlowError } from '../sdk/index.js';
import { checkSecretName, createSecretVault, loadMasterKey, TOKEN_PREFIX, warnOnStderr } from '../security/index.js';
import { formatTable } from './format-table.js';
import { openCliStore } from './open-cli-store.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('enter the value, then press Enter and Ctrl-D:\n');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** `syncline secrets set <name>`: seals the value (AES-256-GCM, master key) and stores it; the value is never printed. */
export async function secretsSet(name: string, o: { db?: string; value?: string }): Promise<number> {
  checkSecretName(name);
  const value = o.value ?? (await readStdin());
  if (value === '')
    throw new FlowError('CONFIG_INVALID', `no value given for secret ${name}`, {
      hint: 'pass --value, or pipe the value on standard input',
    });
  const key = await loadMasterKey({ warn: warnOnStderr });
  const store = await openCliStore({ db: o.db });
  try {
    await createSecretVault(store, key ? [key] : []).set(name, value);
    process.stdout.write(
      `secret ${name} stored (encrypted with master key ${key?.id}); use it as \${secret:${name}}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

export async function secretsList(o: { db?: string }): Promise<number> {
  const store = await openCliStore({ db: o.db, mustExist: true });
  try {
    const rows = (await store.listSecrets()).filter((r) => !r.name.startsWith(TOKEN_PREFIX));
    if (rows.length === 0) process.stdout.write('no secrets stored: add one with `syncline secrets set NAME`\n');
    else
      process.stdout.write(
        `${formatTable(
          ['name', 'updated (UTC)'],
          rows.map((r) => [r.name, r.updatedAt.toISOString()]),
        )}\n`,
      );
    return 0;
  } finally {
    await store.close();
  }
}

export async function secretsDelete(name: string, o: { db?: string }): Promise<number> {
  const store = await openCliStore({ db: o.db, mustExist: true });
  try {
    if (!(await store.deleteSecret(name)))
      throw new FlowError('CONFIG_INVALID', `no secret named ${name}`, {
        hint: 'list them with `syncline secrets list`',
      });
    process.stdout.write(`secret ${name} deleted\n`);
    return 0;
  } finally {
    await store.close();
  }
}
