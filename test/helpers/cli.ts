import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/**
 * The spawned CLI's config folder (its default master key goes in `syncline/` there): a temporary
 * folder, one per test file, never the real home directory.
 */
export const cliConfigHome = mkdtempSync(join(tmpdir(), 'syncline-config-'));

const cliEnv = (env: Record<string, string> | undefined) => ({
  ...process.env,
  XDG_CONFIG_HOME: cliConfigHome,
  ...env,
});

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `syncline` CLI to the end. */
export function syncline(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting (to kill it or interrupt it). */
export function startSyncline(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: 'pipe',
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

function pagesOfLiveRun(stateFile: string, pid: number | undefined): number {
  if (!existsSync(stateFile)) return 0;
  const state = new Database(stateFile, { readonly: true, fileMustExist: true });
  try {
    // this child's run only: a run left `running` by a killed process must not count
    const row = state
      .prepare("select max(pages) as pages from runs where status = 'running' and pid = ?")
      .get(pid ?? -1) as {
      pages: number | null;
    };
    return row.pages ?? 0;
  } catch {
    return 0; // the store is still being created
  } finally {
    state.close();
  }
}

/** Waits until the child's own live run (in the SQLite store `stateFile`) has committed `pages` pages, or the child ended. */
export async function waitForLivePages(
  stateFile: string,
  pages: number,
  child: ChildProcess,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (child.exitCode === null && pagesOfLiveRun(stateFile, child.pid) < pages && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
}
