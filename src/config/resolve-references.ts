import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { type Env, expandReferences } from './expand-references.js';
import type { ProblemList } from './problems.js';
import type { ProtectedText } from './reference-tokens.js';
import { formatPath, isMergeKey, type Locator, type PathKey } from './yaml-locator.js';

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
    const text = w.tokens.restore(node.value);
    if (!text.includes('$')) {
      node.value = text;
      return;
    }
    const expansion = expandReferences(text, w.env);
    for (const secret of expansion.secrets) w.problems.addSecret(secret);
    w.used.secrets.push(...expansion.secrets);
    w.used.env.push(...expansion.env);
    for (const p of expansion.problems) {
      w.problems.add(p.code, w.locator.ofNode(node as Node), `${formatPath(path)}: ${p.message}`, p.hint);
    }
    node.value = expansion.value;
  }
  // Aliases point at anchored nodes, which are resolved where they are defined.
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
