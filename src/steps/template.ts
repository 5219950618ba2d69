import { type Accessor, compileSegments } from '../kit/index.js';
import type { Json, JsonObject } from '../sdk/index.js';
import { configError, type Site, suggest } from './problems.js';
import { builtinHelpers, createHandlebars, extraHelpers } from './template-helpers.js';

/** Renders a template against a record's data. */
export type Template = (data: JsonObject) => string;

type Node = { type: string; [key: string]: unknown };

const hb = createHandlebars();
const knownHelpers = new Set([...builtinHelpers, ...extraHelpers]);

/** Handlebars prints values with JavaScript's String(); missing and null print nothing. */
function render(value: Json | undefined): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value);
}

/** The accessor of a `{{a.b}}` mustache that needs no helper, or undefined. */
function plainPath(node: Node): Accessor | undefined {
  if (node.type === 'ContentStatement' || node.type === 'CommentStatement') return undefined;
  const path = node.path as Node | undefined;
  if (node.type !== 'MustacheStatement' || !path || path.type !== 'PathExpression') return undefined;
  if ((node.params as unknown[]).length > 0 || node.hash) return undefined;
  const parts = path.parts as string[];
  if (path.data || path.depth !== 0 || parts.length === 0) return undefined;
  if (parts.length === 1 && knownHelpers.has(parts[0] as string)) return undefined;
  return compileSegments(parts);
}

/** Rejects partials, decorators and unknown helpers before anything runs. */
function check(node: unknown, site: Site): void {
  if (Array.isArray(node)) {
    for (const child of node) check(child, site);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Node;
  if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement')
    throw configError(site, 'template partials ({{> name}}) are not supported');
  if (n.type === 'Decorator' || n.type === 'DecoratorBlock')
    throw configError(site, 'template decorators ({{* name}}) are not supported');
  const path = n.path as Node | undefined;
  const hasArgs = Array.isArray(n.params) && (n.params.length > 0 || n.hash !== undefined);
  if (path?.type === 'PathExpression' && hasArgs) {
    const name = path.original as string;
    if (!knownHelpers.has(name))
      throw configError(site, `unknown template helper "${name}"`, suggest(name, [...knownHelpers]));
  }
  for (const [key, value] of Object.entries(n)) if (key !== 'loc' && key !== 'strip') check(value, site);
}

/**
 * Compiles a Handlebars-compatible template once. `{{a.b}} text {{c}}` (paths only) becomes a
 * concatenation of accessor closures; templates with helpers or blocks go through Handlebars 4
 * (noEscape) compiled here, so a broken template fails at create time.
 */
export function compileTemplate(source: string, site: Site): Template {
  let program: Node;
  try {
    program = hb.parse(source) as unknown as Node;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n').join(' ') : String(error);
    throw configError(
      site,
      `bad template: ${message}`,
      'Write fields as {{customer.name}}; close every {{#if}} with {{/if}}.',
    );
  }
  const body = program.body as Node[];
  const pieces: (string | Accessor)[] = [];
  let plain = true;
  for (const node of body) {
    if (node.type === 'ContentStatement') pieces.push(node.value as string);
    else if (node.type === 'CommentStatement') continue;
    else {
      const accessor = plainPath(node);
      if (!accessor) {
        plain = false;
        break;
      }
      pieces.push(accessor);
    }
  }
  if (plain) return concatenation(pieces);
  check(program, site);
  const options = { noEscape: true, strict: false };
  try {
    hb.precompile(source, options);
  } catch (error) {
    throw configError(site, `bad template: ${error instanceof Error ? error.message : String(error)}`);
  }
  const template = hb.compile(source, options);
  return (data) => template(data);
}

function concatenation(pieces: readonly (string | Accessor)[]): Template {
  const merged: (string | Accessor)[] = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else if (p !== '') merged.push(p);
  }
  const [a, b, c] = merged;
  if (merged.length === 0) return () => '';
  if (merged.length === 1) return typeof a === 'string' ? () => a : (d) => render((a as Accessor)(d));
  if (merged.length === 3 && typeof a === 'function' && typeof b === 'string' && typeof c === 'function')
    return (d) => render(a(d)) + b + render(c(d));
  return (d) => {
    let out = '';
    for (const p of merged) out += typeof p === 'string' ? p : render(p(d));
    return out;
  };
}
