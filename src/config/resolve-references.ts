import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { type Env, expandReferences } from './expand-references.js';
import type { ProblemList } from './problems.js';
import type { ProtectedText } from './reference-tokens.js';
import { formatPath, isMergeKey, type Location, type Locator, type PathKey } from './yaml-locator.js';

interface Walk {
  readonly env: Env;
  readonly tokens: ProtectedText;
  readonly locator: Locator;
  readonly problems: ProblemList;
  readonly used: ResolvedValues;
}

/** The values `${secret:…}` and `${env:…}` references resolved to: what Syncline masks in its output. */
export interface ResolvedValues {
  readonly secrets: string[];
  readonly env: string[];
}

function walk(node: unknown, path: PathKey[], w: Walk): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      if (isScalar(key) && typeof key.value === 'string') key.value = w.tokens.restore(key.value);
      // Merged maps are aliases: resolved where their anchor is defined.
      if (isMergeKey(key)) continue;
      walk(pair.value, [...path, isScalar(key) ? String(key.value) : '?'], w);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      walk(item, [...path, index], w);
    });
  } else if (isScalar(node) && typeof node.value === 'string') {
    node.value = resolveString(node.value, path, w, () => w.locator.ofNode(node as Node));
  }
  // Aliases point at anchored nodes, which are resolved where they are defined.
}

/** The string with its protected references restored and resolved; problems are located at `path`. */
function resolveString(value: string, path: readonly PathKey[], w: Walk, at: () => Location): string {
  const text = w.tokens.restore(value);
  if (!text.includes('$')) return text;
  const expansion = expandReferences(text, w.env);
  for (const secret of expansion.secrets) w.problems.addSecret(secret);
  w.used.secrets.push(...expansion.secrets);
  w.used.env.push(...expansion.env);
  for (const p of expansion.problems) w.problems.add(p.code, at(), `${formatPath(path)}: ${p.message}`, p.hint, p.next);
  return expansion.value;
}

/** A string that holds a reference or a protected one. */
function mayRefer(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('$') || value.includes('\uE000'));
}

/** `path` is the walk's stack (pushed and popped); problems get a copy of it. */
function walkValues(container: Record<string, unknown> | unknown[], path: PathKey[], w: Walk): void {
  const resolveAt = (value: string): string => {
    const at = [...path];
    return resolveString(value, at, w, () => w.locator.at(at));
  };
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const value = container[i];
      path.push(i);
      if (mayRefer(value)) container[i] = resolveAt(value);
      else if (typeof value === 'object' && value !== null) walkValues(value as Record<string, unknown>, path, w);
      path.pop();
    }
    return;
  }
  for (const key in container) {
    if (!Object.hasOwn(container, key)) continue;
    const value = container[key];
    path.push(key);
    if (mayRefer(value)) container[key] = resolveAt(value);
    else if (typeof value === 'object' && value !== null) walkValues(value as Record<string, unknown>, path, w);
    path.pop();
  }
}

/**
 * The same as `resolveReferences` for the values the subset reader gave (plain objects and arrays,
 * without aliases or merge keys), in place.
 */
export function resolveValueReferences(
  value: unknown,
  env: Env,
  tokens: ProtectedText,
  locator: Locator,
  problems: ProblemList,
): ResolvedValues {
  const used: ResolvedValues = { secrets: [], env: [] };
  if (typeof value === 'object' && value !== null)
    walkValues(value as Record<string, unknown> | unknown[], [], { env, tokens, locator, problems, used });
  return used;
}

/**
 * Resolves `${env:…}` / `${secret:…}` in every string value of the document, in place, once
 * per node (an anchored value used through aliases is resolved and reported once). Returns the
 * values the references resolved to.
 */
export function resolveReferences(
  doc: Document,
  env: Env,
  tokens: ProtectedText,
  locator: Locator,
  problems: ProblemList,
): ResolvedValues {
  const used: ResolvedValues = { secrets: [], env: [] };
  walk(doc.contents, [], { env, tokens, locator, problems, used });
  return used;
}
