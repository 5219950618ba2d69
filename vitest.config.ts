import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // The JSON report feeds .ci/run's closing `N passed, N failed` line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
