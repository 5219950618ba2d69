import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/cli/builtins.js';
import { parseProject, projectJsonSchema } from '../../src/config/index.js';
import { FlowErrors } from '../../src/sdk/index.js';
import { asFlowFile, markdownPages, parseFlowYaml, yamlSnippets } from './doc-snippets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `${env:X}` and `${secret:X}` values for the docs: plausible for what the name says. */
const env = new Proxy({} as Record<string, string>, {
  get(_, name) {
    const n = String(name).toUpperCase();
    if (n.includes('MYSQL')) return 'mysql://user@localhost/db';
    if (n.includes('URL') || n.includes('DSN')) return 'postgres://user@localhost/db';
    if (n.includes('PORT')) return '5432';
    return 'stub-value-0123456789';
  },
  has: () => true,
});

/** `${env:X}` / `${secret:X}` as the loader would resolve them with `env`, for the JSON Schema check. */
const resolved = (_reference: string, _kind: string, name: string) => env[name] as string;

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validateSchema = ajv.compile(projectJsonSchema(builtinCatalog));

/** Every problem the loader and the JSON Schema find in a flow file's text ([] when both accept it). */
function problemsOf(text: string, file: string): string[] {
  const problems: string[] = [];
  try {
    parseProject(text, file, builtinCatalog, { env });
  } catch (error) {
    if (error instanceof FlowErrors) problems.push(...error.errors.map((e) => `loader: ${e.where}: ${e.message}`));
    else throw error;
  }
  let data: unknown;
  try {
    data = parseFlowYaml(text, resolved);
  } catch (error) {
    return [...problems, `yaml: ${(error as Error).message.split('\n')[0]}`];
  }
  if (!validateSchema(data)) {
    // the deepest error says most (a union reports one error per member that does not fit)
    const errors = [...(validateSchema.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length);
    const first = errors[0];
    if (first) problems.push(`schema: ${first.instancePath} ${first.message} ${JSON.stringify(first.params)}`);
  }
  return problems;
}

describe('every example validates with the loader and with `syncline schema`', () => {
  const examples = readdirSync(`${root}/examples`).filter((f) => f.endsWith('.yaml'));
  it.each(examples)('examples/%s', (name) => {
    expect(problemsOf(readFileSync(`${root}/examples/${name}`, 'utf8'), `examples/${name}`)).toEqual([]);
  });
});

describe('every YAML snippet of the docs validates with the loader and with `syncline schema`', () => {
  const snippets = yamlSnippets(root, markdownPages(root));
  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThan(40);
  });
  it.each(snippets.map((s) => [s.where, s.text] as const))('%s', (where, text) => {
    const file = asFlowFile(text);
    expect(
      file,
      `${where}: not flow-file YAML; mark it <!-- snippet: not a flow file --> if that is meant`,
    ).toBeDefined();
    expect(problemsOf(file as string, where)).toEqual([]);
  });
});
