import { type ErrorKind, errorCatalog } from '../src/sdk/index.js';

const kindText: Record<ErrorKind, string> = {
  config:
    'Configuration — found before (or as soon as) anything runs; the run fails and you fix the named file, flag or setting.',
  transient:
    'Transient — retried in place with backoff; the run only fails when retries are exhausted, and the next run resumes.',
  record: 'Record — this record goes to the error store (`syncline errors list`); every other record goes on.',
  system: 'System — the run stops and is reported; the next run resumes from the last checkpoint.',
};

/** The text of docs/errors.md, generated from the catalog in src/sdk/error-catalog.ts. */
export function errorDocs(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- generated from src/sdk/error-catalog.ts by `npm run docs`; do not edit by hand -->',
    '',
    'Every error Syncline reports carries a stable `code` (below) and a `kind` that decides what happens next.',
    'Messages name where the problem is (`file:line:col` for flow files; flow, step or destination, record id',
    'and field at run time), what is wrong, and a hint on how to fix it.',
    '',
  ];
  for (const kind of ['config', 'transient', 'record', 'system'] as const) {
    lines.push(`## ${kind}`, '', kindText[kind], '', '| code | meaning | what to do |', '|---|---|---|');
    for (const [code, entry] of Object.entries(errorCatalog)) {
      if (entry.kind === kind) lines.push(`| \`${code}\` | ${entry.summary} | ${entry.fix} |`);
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
