import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Round } from './stats.js';

/** The built CLI, run as a user runs it: the executable itself (its `#!` line sets the Node flags it needs). */
export const cliPath = join(fileURLToPath(new URL('.', import.meta.url)), '../../../dist/cli/main.js');

function vmHwmMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined; // exited (a zombie has no VmHWM) or not Linux
  }
}

/**
 * Runs `syncline run <file> <flow>` in a child process with its own state store and times it from spawn
 * to exit. Peak RSS is the child's VmHWM, read every 50 ms while it runs (the high-water mark only grows,
 * so at most the last 50 ms can escape it). Throws unless the run exits 0.
 */
export async function runCli(file: string, flow: string, statePath: string, records: number): Promise<Round> {
  // What the kernel does with the `#!` line (the file in a clone is not executable; npm makes the installed one so).
  const shebang = /^#!(\S+)(?: (.*))?/.exec(readFileSync(cliPath, 'utf8').split('\n', 1)[0] ?? '');
  if (!shebang?.[1]) throw new Error(`${cliPath} has no #! line`);
  const interpreterArgs = shebang[2] ? [shebang[2]] : [];
  const t0 = performance.now();
  const child = spawn(shebang[1], [...interpreterArgs, cliPath, 'run', file, flow], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SYNCLINE_DB: statePath, SYNCLINE_LOG: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let peak = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, (child.pid && vmHwmMb(child.pid)) || 0);
  }, 50);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  }).finally(() => clearInterval(poll));
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`syncline run ${file} ${flow} exited ${code}: ${stderr.slice(-2000)}`);
  return { records, seconds, peakRssMb: peak };
}
