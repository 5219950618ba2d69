import { formatTable } from './format-table.js';
import { withApp } from './open-app.js';

/** The store of the token commands: `--db`, else SYNCLINE_DB, else ./.syncline/syncline.db. */
const storeOf = (o: { db?: string | undefined }) => ({ db: o.db, here: true });

/**
 * `syncline token rotate [--name N]`: a new API token for the control routes of `syncline serve`,
 * printed once; the store keeps its SHA-256 only, and the token it replaces stops working at once
 * (a running server checks every request against the store).
 */
export async function tokenRotate(o: { db?: string; name?: string }): Promise<number> {
  return withApp(storeOf(o), {}, async (app) => {
    const { name, token, replaced } = await app.tokens.rotate(o.name);
    process.stderr.write(
      `${replaced ? `API token "${name}" replaced: the old one no longer works` : `API token "${name}" created`}; ` +
        'it is shown only now (the store keeps a hash). Send it as Authorization: Bearer <token>\n',
    );
    process.stdout.write(`${token}\n`);
    return 0;
  });
}

/** `syncline token list`: the names and creation times of the API tokens (never the tokens). */
export async function tokenList(o: { db?: string }): Promise<number> {
  return withApp(storeOf(o), {}, async (app) => {
    const rows = await app.tokens.list();
    if (rows.length === 0) process.stdout.write('no API tokens: `syncline serve` creates one at its first start\n');
    else
      process.stdout.write(
        `${formatTable(
          ['name', 'created (UTC)'],
          rows.map((r) => [r.name, r.createdAt.toISOString()]),
        )}\n`,
      );
    return 0;
  });
}

/** `syncline token revoke <name>`: the token stops working. */
export async function tokenRevoke(name: string, o: { db?: string }): Promise<number> {
  return withApp(storeOf(o), {}, async (app) => {
    await app.tokens.revoke(name);
    process.stdout.write(`API token ${name} revoked\n`);
    return 0;
  });
}
