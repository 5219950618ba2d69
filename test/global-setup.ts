import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** End-to-end tests drive the real `syncline` binary: build dist/ once before the suite. */
export default function setup(): void {
  // for unit tests while dist/ is known to be fresh, or while another change in the tree does not build yet
  if (process.env.SYNCLINE_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
