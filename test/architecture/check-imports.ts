import { arrowBetween, connectorClients, moduleOf, ruleOf, sideEffectRule } from './design-rules.js';
import type { ImportEdge, ImportTarget } from './read-imports.js';

/**
 * One way a file breaks the design: `key` is `<file> → <target>` (the target a file, `package <name>`,
 * or what could not be followed), the identity the allow-list uses; several imports of one target
 * by one file are one violation.
 */
export interface Violation {
  readonly key: string;
  readonly lines: readonly number[];
  readonly reason: string;
}

/** The violations among `edges` (the imports of the checked files), sorted by key. */
export function findViolations(edges: readonly ImportEdge[]): Violation[] {
  const found = new Map<string, { lines: number[]; reason: string }>();
  for (const edge of edges) {
    const reason = reasonAgainst(edge);
    if (!reason) continue;
    const key = `${edge.file} → ${describe(edge.target)}`;
    const seen = found.get(key);
    if (seen) seen.lines.push(edge.line);
    else found.set(key, { lines: [edge.line], reason });
  }
  return [...found]
    .map(([key, { lines, reason }]) => ({ key, lines, reason }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The violations an allow-list (of keys) does not excuse. */
export function unlisted(violations: readonly Violation[], allowed: readonly string[]): Violation[] {
  const excused = new Set(allowed);
  return violations.filter((v) => !excused.has(v.key));
}

/** The allow-list entries (keys) that are no longer violations: fixed, so they must be deleted. */
export function staleEntries(violations: readonly Violation[], allowed: readonly string[]): string[] {
  const current = new Set(violations.map((v) => v.key));
  return allowed.filter((key) => !current.has(key));
}

/** What a target is called in a violation's key. */
export function describe(target: ImportTarget): string {
  switch (target.kind) {
    case 'file':
      return target.path;
    case 'package':
      return `package ${target.name}`;
    case 'builtin':
      return `node ${target.name}`;
    case 'unresolved':
      return `unresolved '${target.specifier}'`;
    case 'expression':
      return `computed ${target.text}`;
  }
}

/** Why this import breaks the design, or undefined when it follows it. */
function reasonAgainst({ file, form, target }: ImportEdge): string | undefined {
  const from = moduleOf(file.replace(/^src\//, ''));
  const rule = ruleOf(from);
  if (!rule)
    return `module "${from || 'src/'}" has no rule in test/architecture/design-rules.ts: add one from DESIGN.md`;
  switch (target.kind) {
    case 'builtin':
      return undefined;
    case 'unresolved':
      return 'the compiler cannot resolve it';
    case 'expression':
      return `a ${form} whose argument is not a string literal cannot be checked: name the module literally`;
    case 'package': {
      if (!from.startsWith('connectors/')) return undefined;
      const connector = from.slice('connectors/'.length);
      if ((connectorClients[connector] ?? []).includes(target.name)) return undefined;
      return `${rule.design}; "${target.name}" is not a client library declared for ${from} in design-rules.ts`;
    }
    case 'file': {
      if (!target.path.startsWith('src/')) return `src/ imports only src/ and packages (${form} of ${target.path})`;
      const inSrc = target.path.slice('src/'.length);
      const to = moduleOf(inSrc);
      if (form === 'side-effect' && to.startsWith('connectors/') && to !== from) return sideEffectRule;
      if (to === from) return undefined;
      const entry = inSrc === `${to}/index.ts`;
      if (arrowBetween(rule, to, entry)) return undefined;
      const throughEntry = arrowBetween(rule, to, true);
      if (throughEntry)
        return `${from} may import ${to} only through src/${to}/index.ts (${throughEntry.because ?? rule.design})`;
      return `${from} → ${to || 'src/'} is not an arrow of DESIGN.md (${form}): ${rule.design}`;
    }
  }
}
