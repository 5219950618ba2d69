import { readdirSync, readlinkSync } from 'node:fs';

/**
 * File descriptors this process has open on `path` (or on files beside it whose name starts with it:
 * a SQLite database's -wal and -shm), read from /proc/self/fd (Linux).
 */
export function openFileCount(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(path)) n++;
    } catch {
      // closed between the listing and the readlink
    }
  }
  return n;
}
