import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { startSyncline } from '../helpers/cli.js';

/** What a finished CLI process left behind. */
export interface CliOutcome {
  /** Exit code (-1 when killed by a signal). */
  status: number;
  stdout: string;
  stderr: string;
}

/** A CLI process started without blocking the test's event loop (the test's servers must keep answering). */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliOutcome>;
}

/** Starts `syncline <args>` (dist/cli/main.js) and collects its output; `done` settles when it exits. */
export function startCli(args: readonly string[], options: { cwd: string; env: Record<string, string> }): RunningCli {
  const child = startSyncline(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<CliOutcome>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
  return { child, done };
}

/** A CLI outcome for assertion messages: exit code and the start of stdout and stderr. */
export function outcomeText(o: CliOutcome): string {
  return `exit ${o.status}\nstdout: ${o.stdout.slice(0, 2000)}\nstderr: ${o.stderr.slice(0, 2000)}`;
}

/** Runs `syncline <args>` to the end, asynchronously. */
export function runCli(args: readonly string[], options: { cwd: string; env: Record<string, string> }) {
  return startCli(args, options).done;
}

/** The parts of `syncline run --json` (one RunRow per line) these tests read. */
export interface RunJson {
  id: number;
  flow: string;
  status: string;
  pages: number;
  resumedFrom: number | null;
  error: { code: string; message: string } | null;
  counts: { read: number; written: number; skipped: number; failed: number };
}

/** The single run printed by `syncline run <file> <flow> --json`; fails naming the output when there is none. */
export function parseRun(outcome: CliOutcome): RunJson {
  const lines = outcome.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) {
    throw new Error(
      `expected one JSON run on stdout of \`syncline run --json\`, got ${lines.length} lines (exit ${outcome.status})\nstdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`,
    );
  }
  return JSON.parse(lines[0] as string) as RunJson;
}

/** The parts of `syncline status --json` these tests read. */
export interface StatusJson {
  flows: { flow: string; lastRun: RunJson; openErrors: number }[];
  breakers: { name: string; state: string; failures: number; openedAt: string | null }[];
}

export async function statusJson(options: { cwd: string; env: Record<string, string> }): Promise<StatusJson> {
  const out = await runCli(['status', '--json'], options);
  if (out.status !== 0) throw new Error(`syncline status --json exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout) as StatusJson;
}

/**
 * The breaker states a run logged (pino JSON lines on stderr: `circuit of connection X is <state>`), in
 * order; the CLI must run with SYNCLINE_LOG_FORMAT=json.
 */
export function breakerTransitions(stderr: string, connection: string): string[] {
  const states: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { connection?: unknown; state?: unknown; msg?: unknown };
      if (entry.connection === connection && typeof entry.state === 'string' && String(entry.msg).startsWith('circuit'))
        states.push(entry.state);
    } catch {
      // not a log line
    }
  }
  return states;
}

/** Writes `source.csv` with `count` rows `id,name,n` (`name <id>`, `id % 1000`). */
export function writeSourceCsv(dir: string, count: number): void {
  const lines = ['id,name,n'];
  for (let i = 1; i <= count; i++) lines.push(`${i},name ${i},${i % 1000}`);
  writeFileSync(join(dir, 'source.csv'), `${lines.join('\n')}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The local ports of the TCP connections process `pid` holds to `remotePort` (Linux: its socket
 * inodes from /proc/<pid>/fd matched against /proc/<pid>/net/tcp{,6}). Empty once the process is gone.
 */
export function tcpPortsOf(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // the process has exited
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const cols = line.trim().split(/\s+/);
      const [local, remote, inode] = [cols[1], cols[2], cols[9]];
      if (!local || !remote || !inode || !inodes.has(inode)) continue;
      if (Number.parseInt(remote.split(':').at(-1) ?? '', 16) !== remotePort) continue;
      ports.push(Number.parseInt(local.split(':').at(-1) ?? '', 16));
    }
  }
  return ports;
}

/** Whether /proc exposes process sockets (Linux), which the PostgreSQL outage test needs to find the flow's backends. */
export function canReadProcSockets(): boolean {
  try {
    readdirSync(`/proc/${process.pid}/fd`);
    readFileSync(`/proc/${process.pid}/net/tcp`, 'utf8');
    return true;
  } catch {
    return false;
  }
}

/** The whole body of a request to a fake API, as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
