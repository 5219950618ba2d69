import { FlowError } from '../sdk/index.js';
import { DEFAULT_API_TOKEN, issueApiToken } from '../security/api-tokens.js';
import { openStore } from '../store/index.js';
import { formatTable } from './format-table.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `syncline token rotate [--name N]`: a new API token for the control routes of `syncline serve`,
 * printed once; the store keeps its SHA-256 only, and the token it replaces stops working at once
 * (a running server checks every request against the store).
 */
export async function tokenRotate(o: { db?: string; name?: string }): Promise<number> {
  const name = o.name ?? DEFAULT_API_TOKEN;
  if (!NAME.test(name)) {
    throw new FlowError('CONFIG_INVALID', `"${name}" is not a valid token name`, {
      hint: 'use up to 64 letters, digits, ".", "_" or "-"',
    });
  }
  const store = await openStore(o.db);
  try {
    const replaced = (await store.listApiTokens()).some((t) => t.name === name);
    const token = await issueApiToken(store, name, new Date());
    process.stderr.write(
      `${replaced ? `API token "${name}" replaced: the old one no longer works` : `API token "${name}" created`}; ` +
        'it is shown only now (the store keeps a hash). Send it as Authorization: Bearer <token>\n',
    );
    process.stdout.write(`${token}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `syncline token list`: the names and creation times of the API tokens (never the tokens). */
export async function tokenList(o: { db?: string }): Promise<number> {
  const store = await openStore(o.db);
  try {
    const rows = await store.listApiTokens();
    if (rows.length === 0) process.stdout.write('no API tokens: `syncline serve` creates one at its first start\n');
    else
      process.stdout.write(
        `${formatTable(
          ['name', 'created (UTC)'],
          rows.map((r) => [r.name, r.createdAt.toISOString()]),
        )}\n`,
      );
    return 0;
  } finally {
    await store.close();
  }
}

/** `syncline token revoke <name>`: the token stops working. */
export async function tokenRevoke(name: string, o: { db?: string }): Promise<number> {
  const store = await openStore(o.db);
  try {
    if (!(await store.deleteApiToken(name)))
      throw new FlowError('CONFIG_INVALID', `no API token named ${name}`, {
        hint: 'list them with `syncline token list`',
      });
    process.stdout.write(`API token ${name} revoked\n`);
    return 0;
  } finally {
    await store.close();
  }
}
