import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseRunOwner, runOwner } from '../sdk/index.js';
import { ownerGone, type Self } from './process-gone.js';

/** The pid of a process that has ended. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('no child pid');
  return pid;
}

describe('ownerGone: a hint that a lease owner has ended', () => {
  const self: Self = { host: 'box', pid: process.pid, owner: runOwner('box') };

  it('names a process by host, pid and an instance id shared by the whole process', () => {
    expect(runOwner('box')).toBe(self.owner);
    expect(parseRunOwner(runOwner('fe80::1'))).toEqual({
      host: 'fe80::1',
      pid: process.pid,
      instance: expect.any(String),
    });
    expect(parseRunOwner('box:12:')).toEqual({ host: 'box', pid: 12, instance: '' });
    expect(parseRunOwner('no owner')).toBeUndefined();
  });

  it('knows gone a dead pid on this host, and this pid under another instance (a restarted container)', () => {
    expect(ownerGone(`box:${deadPid()}:abc`, self)).toBe(true);
    expect(ownerGone(`box:${process.pid}:other`, self)).toBe(true);
    expect(ownerGone(`box:${process.pid}:`, self)).toBe(true); // stored before owners had an instance
  });

  it('never knows gone this very process, a live pid, another host or a foreign owner', () => {
    expect(ownerGone(self.owner, self)).toBe(false);
    expect(ownerGone(`box:${process.ppid}:abc`, self)).toBe(false);
    expect(ownerGone(`elsewhere:${deadPid()}:abc`, self)).toBe(false);
    expect(ownerGone('a lease of another tool', self)).toBe(false);
  });
});
