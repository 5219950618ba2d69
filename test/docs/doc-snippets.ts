import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { protectReferences } from '../../src/config/reference-tokens.js';

/** One ```yaml block of a Markdown page. */
export interface Snippet {
  /** `docs/flow-file.md:120` (the line of the opening fence). */
  readonly where: string;
  readonly text: string;
}

/**
 * Every ```yaml block of the Markdown files given, except those right after an
 * `<!-- snippet: not a flow file -->` comment (e.g. one showing a mistake on purpose).
 */
export function yamlSnippets(root: string, files: readonly string[]): Snippet[] {
  const out: Snippet[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```ya?ml\s*$/.test(lines[i] ?? '')) continue;
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
      const before = lines.slice(Math.max(0, start - 2), start).join('\n');
      if (before.includes('<!-- snippet: not a flow file -->')) continue;
      out.push({ where: `${file}:${start + 1}`, text: body.join('\n') });
    }
  }
  return out;
}

/** The Markdown pages of the project: README.md and docs/ (recursively). */
export function markdownPages(root: string): string[] {
  const pages = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) pages.push(rel);
    }
  };
  walk('docs');
  return pages;
}

/** Minimal settings of a connection of each bundled type, for fragments that name a connection. */
const connectionStubs: Record<string, Record<string, unknown>> = {
  file: { type: 'file', dir: '.' },
  sqlite: { type: 'sqlite', path: 'stub.db' },
  postgres: { type: 'postgres', url: 'postgres://user@localhost/db' },
  mysql: { type: 'mysql', url: 'mysql://user@localhost/db' },
  http: { type: 'http', baseUrl: 'https://api.example.com' },
  webhook: { type: 'webhook' },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Connection names used in a fragment, each with the connector its `type:` (`sqlite.table`) names. */
function connectionsUsed(value: unknown, used = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) for (const v of value) connectionsUsed(v, used);
  else if (isObj(value)) {
    const { connection, type } = value;
    if (typeof connection === 'string' && typeof type === 'string' && type.includes('.')) {
      used.set(connection, type.split('.')[0] as string);
    }
    for (const [key, v] of Object.entries(value)) {
      // a connector's step (`http.lookup: { connection: crm }`) names its connector in its key
      if (key.includes('.') && isObj(v) && typeof v.connection === 'string') {
        used.set(v.connection, key.split('.')[0] as string);
      }
      connectionsUsed(v, used);
    }
  }
  return used;
}

/**
 * Connections the sides of a `syncs:` fragment name, each with its connector: the one an explicit
 * `source:`/`destination:` type names, else sqlite (a side written with the `table:` shorthand).
 */
function syncConnections(syncs: unknown): Map<string, string> {
  const used = new Map<string, string>();
  if (!isObj(syncs)) return used;
  for (const sync of Object.values(syncs)) {
    if (!isObj(sync)) continue;
    for (const side of [sync.a, sync.b]) {
      if (!isObj(side) || typeof side.connection !== 'string') continue;
      const typed = [side.source, side.destination].find((c) => isObj(c) && typeof c.type === 'string');
      const type = isObj(typed) ? String(typed.type) : 'sqlite.table';
      used.set(side.connection, type.split('.')[0] as string);
    }
  }
  return used;
}

const FLOW_KEYS = ['source', 'steps', 'destinations', 'next'];

/** Flow-file YAML as plain data, the way the loader reads it: `${…}` references allowed in flow maps, merge keys on. */
export function parseFlowYaml(
  text: string,
  resolve: (reference: string, kind: string, name: string) => string = (r) => r,
): unknown {
  const tokens = protectReferences(text);
  const restore = (value: unknown): unknown => {
    if (typeof value === 'string')
      return tokens.restore(value).replace(/\$\{(env|secret):([^}:]+)(:-[^}]*)?\}/g, resolve);
    if (Array.isArray(value)) return value.map(restore);
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [tokens.restore(k), restore(v)]));
    return value;
  };
  return restore(parse(tokens.text, { merge: true }));
}

/**
 * A snippet as a whole flow file: whole files stay as they are; a fragment (`connections:` alone, a
 * flow's `source:` / `steps:` / `destinations:`, a list of steps, or the fields of a map step) is
 * placed in a flow, with stub connections for the names it uses and a stub source or destination
 * where it has none. Undefined when the snippet is not flow-file YAML.
 */
export function asFlowFile(text: string): string | undefined {
  let value: unknown;
  try {
    value = parseFlowYaml(text);
  } catch {
    return text; // let the loader report it
  }
  if (Array.isArray(value)) value = { steps: value };
  if (!isObj(value)) return undefined;
  if ('flows' in value) return completeFlows(value);
  const keys = Object.keys(value);
  let file: Obj;
  let flow: Obj;
  if (keys.some((k) => FLOW_KEYS.includes(k))) {
    const { connections, notify, ...rest } = value;
    flow = rest;
    file = { ...(connections === undefined ? {} : { connections }), ...(notify === undefined ? {} : { notify }) };
  } else if (
    keys.includes('connections') ||
    keys.includes('notify') ||
    keys.includes('syncs') ||
    keys.some((k) => k.startsWith('x-'))
  ) {
    flow = {};
    file = value;
  } else {
    flow = { steps: [{ map: value }] };
    file = {};
  }
  const connections: Obj = { ...(isObj(file.connections) ? file.connections : {}) };
  for (const [name, type] of [...connectionsUsed(flow), ...syncConnections(file.syncs)]) {
    if (!(name in connections)) connections[name] = connectionStubs[type] ?? { type };
  }
  // a file of syncs only has no flows
  const flows = Object.keys(flow).length === 0 && file.syncs !== undefined ? {} : { flows: { 'doc-snippet': flow } };
  return completeFlows({ ...file, connections, ...flows });
}

/**
 * A whole file whose flows show only what a section is about (`retry:`, `timeouts:`): each flow
 * without a source gets a stub source, and one without destinations or `next:` a stub destination.
 * Connections it names must still be declared (an undeclared one is a real mistake of the page).
 */
function completeFlows(file: Obj): string {
  const flows = isObj(file.flows) ? file.flows : {};
  const connections: Obj = { ...(isObj(file.connections) ? file.connections : {}) };
  let stubs = false;
  for (const flow of Object.values(flows)) {
    if (!isObj(flow)) continue;
    if (flow.source === undefined) {
      flow.source = { connection: 'stub_files', type: 'file.csv', path: 'in.csv' };
      stubs = true;
    }
    if (flow.destinations === undefined && flow.next === undefined) {
      flow.destinations = [{ connection: 'stub_db', type: 'sqlite.table', table: 't' }];
      stubs = true;
    }
  }
  if (stubs) {
    connections.stub_files = connectionStubs.file;
    connections.stub_db = connectionStubs.sqlite;
  }
  const withFlows = file.flows !== undefined || file.syncs === undefined ? { flows } : {};
  return stringify({ ...file, ...(Object.keys(connections).length > 0 ? { connections } : {}), ...withFlows });
}
