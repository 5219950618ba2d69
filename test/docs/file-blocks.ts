import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced code block of a Markdown page tagged `<!-- file: path -->` on the line before its fence. */
export interface FileBlock {
  /** `docs/connectors/writing-a-connector.md:66` (the line of the tag). */
  readonly where: string;
  /** The tagged file, relative to the repository root. */
  readonly file: string;
  readonly text: string;
}

/** Every tagged block of a Markdown text. */
export function fileBlocks(page: string, markdown: string): FileBlock[] {
  const lines = markdown.split('\n');
  const out: FileBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const tag = /^<!-- file: (\S+) -->$/.exec(lines[i] ?? '');
    if (!tag) continue;
    const fence = /^(`{3,})\w*\s*$/.exec(lines[i + 1] ?? '');
    if (!fence) {
      out.push({ where: `${page}:${i + 1}`, file: tag[1] as string, text: '\u0000no fenced block after the tag' });
      continue;
    }
    const body: string[] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j] !== fence[1]; j++) body.push(lines[j] ?? '');
    out.push({ where: `${page}:${i + 1}`, file: tag[1] as string, text: body.join('\n') });
    i = j;
  }
  return out;
}

/** Whether a block is its file whole, or a run of the file's lines in order: undefined when it is, else why not. */
export function blockProblem(root: string, block: FileBlock): string | undefined {
  const path = join(root, block.file);
  if (!existsSync(path)) return `${block.where}: ${block.file} does not exist`;
  if (block.text.startsWith('\u0000')) return `${block.where}: ${block.text.slice(1)}`;
  const file = readFileSync(path, 'utf8').split('\n');
  const lines = block.text.split('\n');
  if (lines.length === 0 || lines.every((l) => l.trim() === '')) return `${block.where}: the block is empty`;
  for (let start = 0; start + lines.length <= file.length; start++) {
    if (lines.every((line, k) => file[start + k] === line)) return undefined;
  }
  // name the first line that is not in the file, to say where the guide drifted
  const first = lines.findIndex((l) => !file.includes(l));
  const shown =
    first >= 0
      ? `line ${first + 1} of the block, "${lines[first]?.trim()}", is not in the file`
      : 'its lines are not in this order in the file';
  return `${block.where}: the block is not an excerpt of ${block.file}: ${shown}`;
}

/** Whether the block is the whole file (a trailing newline aside). */
export function isWholeFile(root: string, block: FileBlock): boolean {
  const path = join(root, block.file);
  return existsSync(path) && readFileSync(path, 'utf8').trimEnd() === block.text.trimEnd();
}
