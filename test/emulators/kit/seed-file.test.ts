import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSeedFile, parseSeed } from './seed-file.js';

const schema = z
  .object({
    limit: z.number().int().default(10),
    people: z.array(z.object({ email: z.string().email(), name: z.string() }).strict()).default([]),
  })
  .strict();

describe('seed files', () => {
  it('parses YAML and JSON, applying defaults', () => {
    expect(parseSeed('s.yaml', 'people:\n  - { email: a@x.com, name: A }\n', schema)).toEqual({
      ok: true,
      seed: { limit: 10, people: [{ email: 'a@x.com', name: 'A' }] },
    });
    expect(parseSeed('s.json', '{"limit": 3}', schema)).toEqual({ ok: true, seed: { limit: 3, people: [] } });
  });

  it('names file:line:col and the path of each problem', () => {
    const text = 'limit: 2.5\npeople:\n  - email: a@x.com\n    name: A\n  - email: not-an-email\n    nmae: B\n';
    const result = parseSeed('seed.yaml', text, schema);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'seed.yaml:1:8: limit: Invalid input: expected int, received number',
      'seed.yaml:5:12: people[1].email: Invalid email address',
      'seed.yaml:5:5: people[1].name: Invalid input: expected string, received undefined',
      'seed.yaml:5:5: people[1]: Unrecognized key: "nmae"',
    ]);
  });

  it('names the place of a YAML syntax error, and a missing file', async () => {
    const result = parseSeed('bad.yaml', 'people:\n  - { email: a@x.com\n', schema);
    expect(!result.ok && result.problems[0]).toMatch(/^bad\.yaml:3:1: Flow map .* end with a }$/);
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    expect(await loadSeedFile(join(dir, 'none.yaml'), schema)).toEqual({
      ok: false,
      problems: [`${join(dir, 'none.yaml')}: cannot read the seed file: no such file`],
    });
    writeFileSync(join(dir, 'ok.yaml'), 'limit: 4\n');
    expect(await loadSeedFile(join(dir, 'ok.yaml'), schema)).toEqual({ ok: true, seed: { limit: 4, people: [] } });
  });
});
