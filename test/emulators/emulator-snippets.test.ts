import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { FlowErrors } from '../../src/sdk/index.js';
import { emulators } from './registry.js';

/** The flow file each emulator prints is valid for the loader (the crm one also runs: test/e2e/emulate.test.ts). */
describe('the flow files the emulators print', () => {
  it.each(emulators.map((e) => [e.name, e] as const))('%s', async (_name, emulator) => {
    const started = await emulator.start({});
    try {
      const problems: string[] = [];
      try {
        parseProject(started.snippet, 'snippet.yaml', builtinCatalog, {
          env: { CRM_API_KEY: 'k' },
        });
      } catch (error) {
        if (!(error instanceof FlowErrors)) throw error;
        problems.push(...error.errors.map((e) => `${e.where}: ${e.message}`));
      }
      expect(problems).toEqual([]);
      expect(started.snippet).toContain(started.url);
    } finally {
      await started.close();
    }
  });
});
