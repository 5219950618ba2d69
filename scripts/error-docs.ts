import { actionCommand } from '../src/cli/action-command.js';
import { builtinConnectors } from '../src/cli/builtins.js';
import {
  type CatalogEntry,
  type Connector,
  type ErrorKind,
  errorRegistry,
  type RegisteredCatalog,
} from '../src/sdk/index.js';

const kinds = ['config', 'transient', 'record', 'system'] as const;

const kindText: Record<ErrorKind, string> = {
  config:
    'Configuration — found before (or as soon as) anything runs; the run fails and you fix the named file, flag or setting.',
  transient:
    'Transient — retried in place with backoff; the run only fails when retries are exhausted, and the next run resumes.',
  record: 'Record — this record goes to the error store (`syncline errors list`); every other record goes on.',
  system: 'System — the run stops and is reported; the next run resumes from the last checkpoint.',
};

const codeList = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** `## Connector \`file\`` or `## Shared by connectors …` */
function heading({ catalog, connectors }: RegisteredCatalog): string {
  if (connectors.length === 0) return `## Syncline (\`src/${catalog.owner}\`)`;
  const who = connectors.length === 1 ? `Connector ${codeList(connectors)}` : `Connectors ${codeList(connectors)}`;
  return `## ${who} (\`src/${catalog.owner}\`)`;
}

/** The fix, then the commands of its next steps as the CLI renders them. */
function whatToDo(entry: CatalogEntry): string {
  const next = (entry.next ?? []).map((a) => `\`${actionCommand(a)}\``);
  return next.length === 0 ? entry.fix : `${entry.fix} Next: ${next.join('; ')}.`;
}

function entriesOf(registered: RegisteredCatalog): [string, CatalogEntry][] {
  return Object.entries(registered.catalog.codes) as [string, CatalogEntry][];
}

/**
 * The text of docs/errors.md: the core codes (src/sdk/core-error-codes.ts) by kind, then the codes each
 * connector the `syncline` command registers (src/cli/builtins.ts) contributes through its `errors`.
 */
export function errorDocs(connectors: readonly Connector[] = builtinConnectors): string {
  const [core, ...contributed] = errorRegistry(connectors).catalogs;
  const lines = [
    '# Error codes',
    '',
    '<!-- generated from the core catalog (src/sdk/core-error-codes.ts) and the `errors` of every connector in src/cli/builtins.ts by `npm run docs`; do not edit by hand -->',
    '',
    'Every error Syncline reports carries a stable `code` (below) and a `kind` that decides what happens next.',
    'Messages name where the problem is (`file:line:col` for flow files; flow, step or destination, record id',
    'and field at run time), what is wrong, and a hint on how to fix it.',
    '',
    'Kinds:',
    '',
    ...kinds.map((kind) => `- \`${kind}\`: ${kindText[kind]}`),
    '',
    'The first section holds the codes of Syncline itself; each later one the codes a connector (or several',
    'connectors, through the kit) adds.',
    '',
  ];
  if (core !== undefined) {
    lines.push(heading(core), '');
    for (const kind of kinds) {
      lines.push(`### ${kind}`, '', '| code | meaning | what to do |', '|---|---|---|');
      for (const [code, entry] of entriesOf(core)) {
        if (entry.kind === kind) lines.push(`| \`${code}\` | ${entry.summary} | ${whatToDo(entry)} |`);
      }
      lines.push('');
    }
  }
  for (const registered of contributed) {
    lines.push(heading(registered), '', '| code | kind | meaning | what to do |', '|---|---|---|---|');
    for (const kind of kinds) {
      for (const [code, entry] of entriesOf(registered)) {
        if (entry.kind === kind) lines.push(`| \`${code}\` | ${kind} | ${entry.summary} | ${whatToDo(entry)} |`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/errors.md', import.meta.url), errorDocs());
  console.log('wrote docs/errors.md');
}
