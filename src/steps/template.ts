import { compileTemplate as compileKitTemplate, parsePath, templateParts } from '../kit/index.js';
import type { JsonObject } from '../sdk/index.js';
import { configError, type Site, suggest } from './problems.js';
import { builtinHelpers, createHandlebars, extraHelpers } from './template-helpers.js';

/** Renders a template against a record's data. */
export type Template = (data: JsonObject) => string;

type Node = { type: string; [key: string]: unknown };

const hb = createHandlebars();
const knownHelpers = new Set([...builtinHelpers, ...extraHelpers]);

/**
 * A placeholder the kit's renderer reads exactly as Handlebars would: a path of the path language
 * (`customer.name`, `lines[0].sku`, `lines.0.sku`, `meta["a.b"]`), not a helper, literal, `this`,
 * `@data`, `../parent`, `a/b` or whitespace control (`~`).
 */
function kitPath(field: string): boolean {
  if (!/^[A-Za-z_$]/.test(field) || /[/~()=|\\]/.test(field)) return false;
  if (field === 'this' || field.startsWith('this.') || field.startsWith('this[')) return false;
  if (field === 'true' || field === 'false' || field === 'null' || field === 'undefined' || field === 'else')
    return false;
  if (knownHelpers.has(field)) return false;
  return typeof parsePath(field) !== 'string';
}

/** A template of literal text and plain paths only, which the kit's one renderer compiles; else undefined. */
function plainTemplate(source: string): Template | undefined {
  if (source.includes('{{{') || source.includes('\\{{')) return undefined;
  const { literals, fields } = templateParts(source);
  if (literals.some((l) => l.includes('{{')) || !fields.every(kitPath)) return undefined;
  return compileKitTemplate(source, 'string').text;
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
 * Compiles a Handlebars-compatible template once. `{{a.b}} text {{c}}` (paths only) is compiled by
 * the kit's one renderer (kit/template.ts, the paths of kit/path.ts, so `{{lines[-1].sku}}` works
 * too); templates with helpers, blocks or Handlebars-only paths go through Handlebars 4
 * (noEscape) compiled here, so a broken template fails at create time.
 */
export function compileTemplate(source: string, site: Site): Template {
  const plain = plainTemplate(source);
  if (plain) return plain;
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
