import { checkSecretName } from '../app/index.js';
import { FlowError } from '../sdk/index.js';
import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';

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
  return withApp({ db: o.db }, {}, async (app) => {
    const { keyId } = await app.secrets.set(name, value);
    process.stdout.write(`secret ${name} stored (encrypted with master key ${keyId}); use it as \${secret:${name}}\n`);
    return 0;
  });
}

export async function secretsList(o: { db?: string }): Promise<number> {
  return withApp({ db: o.db, mustExist: true }, {}, async (app) => {
    const rows = await app.secrets.list();
    if (rows.length === 0) process.stdout.write('no secrets stored: add one with `syncline secrets set NAME`\n');
    else
      process.stdout.write(
        `${formatTable(
          ['name', 'updated (UTC)'],
          rows.map((r) => [r.name, r.updatedAt.toISOString()]),
        )}\n`,
      );
    return 0;
  });
}

export async function secretsDelete(name: string, o: { db?: string }): Promise<number> {
  return withApp({ db: o.db, mustExist: true }, {}, async (app) => {
    await app.secrets.remove(name);
    process.stdout.write(`secret ${name} deleted\n`);
    return 0;
  });
}
