import jsep from 'jsep';
import { compileSegments, readKey, type Segment } from '../kit/index.js';
import type { Json, JsonObject } from '../sdk/index.js';
import { expressionFunctions } from './expression-functions.js';
import { type Compiled, compileBinary, compileUnary, type Fail, truthy } from './expression-operators.js';
import { badValue, configError, type Site, suggest } from './problems.js';

/** A compiled expression: record data in, JSON value out (missing fields read as null). */
export type Expression = (data: JsonObject) => Json;

type Node = jsep.Expression;

/** `a.b[0]` for messages. */
function describe(node: Node): string {
  if (node.type === 'Identifier') return node.name as string;
  if (node.type === 'Literal') return node.raw as string;
  if (node.type === 'MemberExpression') {
    const property = node.property as Node;
    const inner = describe(property);
    return `${describe(node.object as Node)}${node.computed ? `[${inner}]` : `.${inner}`}`;
  }
  if (node.type === 'CallExpression') return `${describe(node.callee as Node)}(…)`;
  return '(…)';
}

/** The segments of a static member chain (`a.b[0]["c"]`), or undefined when any part is computed. */
function staticPath(node: Node): Segment[] | undefined {
  if (node.type === 'Identifier') return [node.name as string];
  if (node.type !== 'MemberExpression') return undefined;
  const base = staticPath(node.object as Node);
  if (!base) return undefined;
  const property = node.property as Node;
  if (!node.computed && property.type === 'Identifier') return [...base, property.name as string];
  if (node.computed && property.type === 'Literal') {
    const v = property.value;
    if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) return [...base, v];
  }
  return undefined;
}

function compileNode(node: Node, site: Site, fail: Fail): Compiled {
  const sub = (n: unknown) => compileNode(n as Node, site, fail);
  switch (node.type) {
    case 'Literal': {
      const value = node.value;
      if (value instanceof RegExp || value === undefined)
        throw configError(site, `unsupported literal ${String(node.raw)}`);
      return () => value as Json;
    }
    case 'Identifier':
    case 'MemberExpression': {
      const segments = staticPath(node);
      if (segments) {
        const read = compileSegments(segments);
        return (d) => read(d) ?? null;
      }
      const object = sub(node.object);
      const name = (node.property as Node).name as string;
      const property: Compiled = node.computed ? sub(node.property) : () => name;
      return (d) => {
        const key = property(d);
        if (typeof key !== 'string' && typeof key !== 'number') return null;
        return readKey(object(d), key) ?? null;
      };
    }
    case 'ArrayExpression':
      return compileArray(node.elements as (Node | null)[], site, fail);
    case 'UnaryExpression': {
      const op = node.operator as string;
      const compiled = compileUnary(op, sub(node.argument), describe(node.argument as Node), fail);
      if (!compiled) throw configError(site, `unsupported operator "${op}"`, 'Use ! - or +.');
      return compiled;
    }
    case 'BinaryExpression': {
      const op = node.operator as string;
      const [left, right] = [node.left as Node, node.right as Node];
      const compiled = compileBinary(op, sub(left), sub(right), describe(left), describe(right), fail);
      if (!compiled)
        throw configError(site, `unsupported operator "${op}"`, 'Use + - * / % **, == != < <= > >=, && || ?? and !.');
      return compiled;
    }
    case 'ConditionalExpression': {
      const test = sub(node.test);
      const yes = sub(node.consequent);
      const no = sub(node.alternate);
      return (d) => (truthy(test(d)) ? yes(d) : no(d));
    }
    case 'CallExpression':
      return compileCall(node, site, fail);
    default:
      throw configError(
        site,
        `unsupported expression part: ${node.type}`,
        'Use fields, literals, + - * / %, comparisons, && || !, ?: and the listed functions.',
      );
  }
}

function compileArray(elements: (Node | null)[], site: Site, fail: Fail): Compiled {
  const items = elements.map((e) => {
    if (e === null) throw configError(site, 'empty slot in a list literal');
    return compileNode(e, site, fail);
  });
  return (d) => items.map((item) => item(d));
}

function compileCall(node: Node, site: Site, fail: Fail): Compiled {
  const callee = node.callee as Node;
  const names = Object.keys(expressionFunctions);
  if (callee.type !== 'Identifier')
    throw configError(
      site,
      `only the listed functions can be called, not ${describe(callee)}`,
      `Use one of: ${names.join(', ')}.`,
    );
  const name = callee.name as string;
  const spec = Object.hasOwn(expressionFunctions, name) ? expressionFunctions[name] : undefined;
  if (!spec) throw configError(site, `unknown function "${name}"`, suggest(name, names));
  const args = (node.arguments as Node[]).map((a) => compileNode(a, site, fail));
  if (args.length < spec.min || args.length > spec.max)
    throw configError(
      site,
      `${name}() takes ${spec.min === spec.max ? spec.min : `${spec.min} to ${spec.max}`} arguments, got ${args.length}`,
    );
  const fn = spec.fn;
  return (d) =>
    fn(
      args.map((a) => a(d)),
      fail,
    );
}

/**
 * Parses an expression with jsep and compiles its tree into closures (no eval). Fields are read
 * by path, missing ones as null; arithmetic on null gives null; bad operands are RECORD_BAD_VALUE.
 */
export function compileExpression(source: string, site: Site, field: string): Expression {
  let tree: Node;
  try {
    tree = jsep(source);
  } catch (error) {
    throw configError(
      site,
      `cannot parse expression "${source}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (tree.type === 'Compound' && (tree.body as Node[]).length === 0) throw configError(site, 'empty expression');
  const fail: Fail = (value, problem) => {
    throw badValue(field, value, `${problem} in expression "${source}"`);
  };
  return compileNode(tree, site, fail);
}
