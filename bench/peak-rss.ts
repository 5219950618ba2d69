import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of this process in MB. On Linux this is VmHWM from /proc/self/status:
 * `process.resourceUsage().maxRSS` there also counts the parent's RSS at spawn time (the
 * kernel carries it across exec), which would charge the bench runner's memory to each benchmark.
 */
export function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Math.round(Number(match[1]) / 1024);
  } catch {
    // not Linux: fall back below
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
