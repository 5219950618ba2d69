import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blockProblem, fileBlocks, isWholeFile } from './file-blocks.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const page = 'docs/connectors/writing-a-connector.md';
const guide = readFileSync(join(root, page), 'utf8');
const example = 'examples/connectors/crm';

describe('the "write a connector" guide shows the example connector as it is', () => {
  const blocks = fileBlocks(page, guide);

  it('every code block tagged with a file is that file, or a run of its lines in order', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(blocks.map((b) => blockProblem(root, b)).filter((p) => p !== undefined)).toEqual([]);
  });

  it('every file of the connector (not its tests) is shown whole', () => {
    const sources = readdirSync(join(root, example))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => `${example}/${f}`);
    const whole = new Set(blocks.filter((b) => isWholeFile(root, b)).map((b) => b.file));
    expect(sources.filter((f) => !whole.has(f))).toEqual([]);
  });

  it('the folder layout it shows lists every file of the folder', () => {
    const layout = /```text\nexamples\/connectors\/crm\/\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';
    const listed = new Set(
      layout.split('\n').flatMap(
        (l) =>
          l
            .trim()
            .split(/\s{2,}/)[0]
            ?.split(/,\s*/) ?? [],
      ),
    );
    expect(readdirSync(join(root, example)).filter((f) => !listed.has(f))).toEqual([]);
  });
});

describe('the block check', () => {
  const file = `${example}/index.ts`;
  const text = readFileSync(join(root, file), 'utf8').split('\n');
  const doc = (body: string[], tag = file) =>
    `intro\n<!-- file: ${tag} -->\n\`\`\`ts\n${body.join('\n')}\n\`\`\`\nafter\n`;

  it('accepts the whole file and a run of its lines', () => {
    const [whole] = fileBlocks('g.md', doc(text));
    const [part] = fileBlocks('g.md', doc(text.slice(2, 6)));
    expect([blockProblem(root, whole!), blockProblem(root, part!)]).toEqual([undefined, undefined]);
    expect([isWholeFile(root, whole!), isWholeFile(root, part!)]).toEqual([true, false]);
  });

  it('names a block that drifted, one out of order, and a file that is gone', () => {
    const drifted = [...text.slice(0, 3), "import { gone } from './gone.js';", ...text.slice(3, 6)];
    const reordered = [text[1] as string, text[0] as string];
    const problems = [doc(drifted), doc(reordered), doc(['x'], `${example}/nope.ts`)].map((d) =>
      blockProblem(root, fileBlocks('g.md', d)[0]!),
    );
    expect(problems).toEqual([
      `g.md:2: the block is not an excerpt of ${file}: line 4 of the block, "import { gone } from './gone.js';", is not in the file`,
      expect.stringMatching(
        /^g\.md:2: the block is not an excerpt of .*: its lines are not in this order in the file$/,
      ),
      `g.md:2: ${example}/nope.ts does not exist`,
    ]);
  });
});
