import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** End-to-end tests drive the real `syncline` binary: build dist/ (and dist/emulators) once before the suite. */
export default function setup(): void {
  // for unit tests while dist/ is known to be fresh, or while another change in the tree does not build yet
  if (process.env.SYNCLINE_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const project of ['tsconfig.build.json', 'tsconfig.emulators.json']) {
    execFileSync(
      process.execPath,
      [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', project],
      { cwd: root, stdio: 'inherit' },
    );
  }
}
