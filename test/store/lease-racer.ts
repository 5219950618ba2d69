/**
 * One of two processes racing for a flow (lease-race.ts): opens the store at argv[2] and, for each
 * `claim <flow> <at ms>` line on stdin, claims the flow at that moment and answers one JSON line.
 */
import { createInterface } from 'node:readline';
import { FlowError } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';

const [location, name] = process.argv.slice(2);
if (location === undefined || name === undefined) throw new Error('usage: lease-racer <store> <name>');
const store = await openStore(location);
const owner = `${name}:${process.pid}:race`;
const answer = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
answer({ ready: true });

for await (const line of createInterface({ input: process.stdin })) {
  const [command, flow, startAt] = line.split(' ');
  if (command !== 'claim' || flow === undefined) break;
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  const at = new Date();
  try {
    const lease = await store.claimLease(flow, owner, new Date(at.getTime() + 60_000), { at });
    answer({ flow, owner, token: lease.token });
  } catch (error) {
    answer({ flow, owner, code: error instanceof FlowError ? error.code : String(error) });
  }
}
await store.close();
