import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/**
 * Reads an emulator's seed file (YAML, or JSON, which is YAML too) and checks it against the
 * emulator's schema. Every problem names the place: `seed.yaml:4:12: contacts[2].email: …`.
 */
export type SeedLoad<S> = { ok: true; seed: S } | { ok: false; problems: string[] };

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`),
    '',
  );

export async function loadSeedFile<S>(file: string, schema: z.ZodType<S>): Promise<SeedLoad<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : String(error);
    return { ok: false, problems: [`${file}: cannot read the seed file: ${why}`] };
  }
  return parseSeed(file, text, schema);
}

export function parseSeed<S>(file: string, text: string, schema: z.ZodType<S>): SeedLoad<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}`) };
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { ok: true, seed: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      // the deepest node the path reaches (a missing key points at its parent)
      let offset = doc.contents?.range?.[0] ?? 0;
      for (let depth = issue.path.length; depth >= 0; depth -= 1) {
        const node = doc.getIn(issue.path.slice(0, depth) as unknown[], true);
        if (isNode(node) && node.range) {
          offset = node.range[0];
          break;
        }
      }
      const where = pathText(issue.path);
      return `${at(offset)}: ${where === '' ? '' : `${where}: `}${issue.message}`;
    }),
  };
}
