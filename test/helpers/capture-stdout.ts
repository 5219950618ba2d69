import { vi } from 'vitest';

/**
 * Runs a CLI command function in process and returns its exit code with what it wrote to stdout and
 * stderr (an in-process stand-in for spawning the binary when the process itself is not under test).
 */
export async function captured(
  command: () => Promise<number> | number,
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { status: await command(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
