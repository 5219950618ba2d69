import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/parse-project.js';
import { FlowErrors } from '../../src/sdk/index.js';

const FILE = 'flows/api.yaml';

function problems(lines: readonly string[]): string[] {
  try {
    parseProject(lines.join('\n'), FILE, builtinCatalog, { env: {} });
  } catch (error) {
    if (error instanceof FlowErrors) return error.errors.map((e) => `${e.where}: ${e.message}`);
    throw error;
  }
  return [];
}

describe('paths in http configs are checked when the flow file is validated', () => {
  it('names file:line:col and the reason of a malformed cursorPath, recordsPath and results path', () => {
    const found = problems([
      'connections:',
      '  api: { type: http, baseUrl: "https://api.example.com" }',
      '  out: { type: http, baseUrl: "https://crm.example.com" }',
      'flows:',
      '  pull:',
      '    source:',
      '      connection: api',
      '      type: http.request',
      '      recordsPath: data[',
      '      pagination: { type: cursor, cursorPath: "data[last].id" }',
      '    destinations:',
      '      - { connection: out, type: http.request, mode: batch, idPath: "a..b" }',
      '      - { connection: out, type: http.request, mode: batch, results: { success: "status[" } }',
    ]);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flows\/api\.yaml:9:\d+.*bad path "data\[": unclosed "\["/),
        expect.stringMatching(/^flows\/api\.yaml:10:\d+.*bad path "data\[last\]\.id": "\[last\]" is neither/),
        expect.stringMatching(/^flows\/api\.yaml:12:\d+.*bad path "a\.\.b": empty segment/),
        expect.stringMatching(/^flows\/api\.yaml:13:\d+.*bad path "status\[": unclosed "\["/),
      ]),
    );
  });

  it('accepts bracketed keys and negative indexes', () => {
    expect(
      problems([
        'connections:',
        '  api: { type: http, baseUrl: "https://api.example.com" }',
        '  out: { type: http, baseUrl: "https://crm.example.com" }',
        'flows:',
        '  pull:',
        '    source:',
        '      connection: api',
        '      type: http.request',
        '      recordsPath: value',
        `      pagination: { type: nextUrl, nextPath: '["@odata.nextLink"]' }`,
        '    destinations:',
        '      - { connection: out, type: http.request, mode: batch, idPath: "data[-1].id" }',
      ]),
    ).toEqual([]);
  });
});
