import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/index.js';

const RACER = fileURLToPath(new URL('./lease-racer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RaceRound {
  flow: string;
  /** The flow held an expired lease of a dead owner before the round (a takeover race). */
  expired: boolean;
  winners: string[];
  /** The error codes of the losers. */
  losers: string[];
  /** The winner's token. */
  token: number | undefined;
}

interface Answer {
  ready?: boolean;
  flow?: string;
  owner?: string;
  token?: number;
  code?: string;
}

/** A racer process and the answers it gives, one at a time. */
function racer(location: string, name: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', RACER, location, name], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    async next(): Promise<Answer> {
      const line = await lines.next();
      if (line.done) throw new Error(`racer ${name} ended: ${stderr}`);
      return JSON.parse(line.value) as Answer;
    },
  };
}

/**
 * Two processes race to claim one flow of the store at `location`, `rounds` times (a new flow each
 * round; every other round the flow holds an expired lease first, so they race to take it over).
 */
export async function raceForLeases(location: string, rounds: number): Promise<RaceRound[]> {
  const store = await openStore(location); // migrated before the racers open it
  const racers = [racer(location, 'one'), racer(location, 'two')];
  try {
    await Promise.all(racers.map((r) => r.next()));
    const results: RaceRound[] = [];
    for (let i = 0; i < rounds; i++) {
      const flow = `race-${i}`;
      const expired = i % 2 === 1;
      if (expired) {
        const long = new Date(Date.now() - 120_000);
        await store.claimLease(flow, 'gone:1:dead', new Date(long.getTime() + 60_000), { at: long });
      }
      const startAt = Date.now() + 30;
      for (const r of racers) r.child.stdin.write(`claim ${flow} ${startAt}\n`);
      const answers = await Promise.all(racers.map((r) => r.next()));
      const winners = answers.filter((a) => a.token !== undefined);
      results.push({
        flow,
        expired,
        winners: winners.map((a) => a.owner ?? '?'),
        losers: answers.filter((a) => a.token === undefined).map((a) => a.code ?? '?'),
        token: winners[0]?.token,
      });
    }
    return results;
  } finally {
    for (const r of racers) r.child.stdin.end();
    await Promise.all(
      racers.map((r) => (r.child.exitCode === null ? new Promise((done) => r.child.once('exit', done)) : undefined)),
    );
    await store.close();
  }
}
