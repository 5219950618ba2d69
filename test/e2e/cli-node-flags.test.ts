import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';

/**
 * The `syncline` executable sets the Node flags its throughput was measured with: its `#!` line starts
 * Node with a 32 MB young generation (`--max-semi-space-size=32`), which saves 15–35 % of a large run's
 * time against Node's default. Run here as the kernel runs an executable: the interpreter, the rest of
 * the line as one argument, then the file.
 */
describe('the syncline executable', () => {
  const line = readFileSync(cliPath, 'utf8').split('\n', 1)[0] ?? '';
  const shebang = /^#!(\S+) (.+)$/.exec(line);

  it('starts Node with --max-semi-space-size=32 through its #! line', () => {
    expect(shebang?.[1]).toBe('/usr/bin/env');
    const [interpreter = '', args = ''] = shebang?.slice(1) ?? [];
    const r = spawnSync(interpreter, [args, '-p', 'JSON.stringify(process.execArgv)'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toContain('--max-semi-space-size=32');
  });

  it('runs through that line (syncline --version)', () => {
    const [interpreter = '', args = ''] = shebang?.slice(1) ?? [];
    const r = spawnSync(interpreter, [args, cliPath, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
