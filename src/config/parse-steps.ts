import { listNames } from './catalog.js';
import { checkConnectionRef } from './check-connection-ref.js';
import { didYouMean } from './closest.js';
import type { FieldWhere, StepDefinition } from './definition.js';
import { parseConfig } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { stepName } from './structure.js';
import { uniqueNames } from './unique-names.js';
import { formatPath, type PathKey } from './yaml-locator.js';
import { describeValue } from './zod-problems.js';

interface ParsedStep {
  readonly explicit: string | undefined;
  readonly type: string;
  readonly config: unknown;
  readonly ok: boolean;
  readonly path: readonly PathKey[];
  readonly fieldWhere?: FieldWhere;
}

const FIELD_DEPTH = 3;
const FIELD_LIMIT = 200;

/**
 * `file:line:col` of the keys and items of a step's settings, by the field path a compile error
 * names (`email`, `email.transform`, `all[2].op`), up to three levels deep: worked out on the
 * first question.
 */
export function fieldLocations(raw: unknown, configPath: readonly PathKey[], ctx: ParseContext): FieldWhere {
  let out: Map<string, string> | undefined;
  const locate = (): Map<string, string> => {
    const found = new Map<string, string>();
    const walk = (value: unknown, path: PathKey[], field: string, depth: number): void => {
      if (depth >= FIELD_DEPTH || found.size >= FIELD_LIMIT) return;
      const children: [PathKey, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : isMap(value)
          ? Object.entries(value)
          : [];
      for (const [key, child] of children) {
        if (found.size >= FIELD_LIMIT) return;
        const childField = typeof key === 'number' ? `${field}[${key}]` : field ? `${field}.${key}` : key;
        const childPath = [...path, key];
        found.set(
          childField,
          (typeof key === 'number' ? ctx.locator.at(childPath) : ctx.locator.keyAt(childPath)).where,
        );
        walk(child, childPath, childField, depth + 1);
      }
    };
    walk(raw, [...configPath], '', 0);
    return found;
  };
  return (field) => {
    out ??= locate();
    return out.get(field);
  };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EXAMPLE = 'e.g. `- filter: { all: [{ field: status, op: ne, value: voided }] }`';

/** Which key of the item is the step type (the others being `name` or mistakes). */
function stepTypeKey(item: Record<string, unknown>, path: readonly PathKey[], ctx: ParseContext): string | undefined {
  const keys = Object.keys(item).filter((k) => k !== 'name');
  const types = ctx.catalog.steps;
  if (keys.length === 1) return keys[0];
  if (keys.length === 0) {
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(path),
      `${formatPath(path)}: the step has no type`,
      `Write the step type as the key, ${EXAMPLE}. Step types: ${listNames(types.keys())}.`,
    );
    return undefined;
  }
  const known = keys.filter((k) => types.has(k));
  if (known.length === 1) {
    const type = known[0] as string;
    for (const key of keys.filter((k) => k !== type)) {
      ctx.problems.add(
        'CONFIG_UNKNOWN_KEY',
        ctx.locator.keyAt([...path, key]),
        `unknown key "${key}" in ${formatPath(path)}`,
        `A step item holds \`name\` and one step type; put the ${type} settings under \`${type}:\` (indented).`,
      );
    }
    return type;
  }
  ctx.problems.add(
    'CONFIG_INVALID',
    ctx.locator.at(path),
    `${formatPath(path)}: one list item holds several steps (${keys.join(', ')})`,
    `Write one step per list item (each starting with "- "), ${EXAMPLE}.`,
  );
  return undefined;
}

function parseStep(item: unknown, path: readonly PathKey[], ctx: ParseContext): ParsedStep | undefined {
  if (!isMap(item)) {
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(path),
      `${formatPath(path)} must be a map with one step type, not ${describeValue(item)}`,
      `Write each step as \`- <type>: { settings }\`, ${EXAMPLE}.`,
    );
    return undefined;
  }
  let explicit: string | undefined;
  if ('name' in item) {
    const name = parseConfig(stepName, item.name, [...path, 'name'], ctx);
    if (name.ok) explicit = name.data;
  }
  const type = stepTypeKey(item, path, ctx);
  if (type === undefined) return undefined;
  const entry = ctx.catalog.steps.get(type);
  if (!entry) {
    ctx.problems.add(
      'CONFIG_UNKNOWN_TYPE',
      ctx.locator.keyAt([...path, type]),
      `${formatPath(path)}: unknown step type "${type}"`,
      `${didYouMean(type, ctx.catalog.steps.keys())}Step types: ${listNames(ctx.catalog.steps.keys())}.`,
    );
    return { explicit, type, config: undefined, ok: false, path };
  }
  const configPath = [...path, type];
  // `- dedupe:` with nothing after it: the step's defaults.
  const raw = item[type] ?? {};
  if (entry.connector && isMap(raw) && typeof raw.connection === 'string') {
    const ref = checkConnectionRef(raw.connection, [...configPath, 'connection'], ctx);
    if (ref.declared && ref.type !== undefined && ref.type !== entry.connector.name) {
      const connPath = [...configPath, 'connection'];
      ctx.problems.add(
        'CONFIG_TYPE_MISMATCH',
        ctx.locator.at(connPath),
        `${formatPath(connPath)}: step "${type}" needs a ${entry.connector.name} connection, but "${raw.connection}" is a ${ref.type} connection`,
        `Name a ${entry.connector.name} connection here.`,
      );
    }
  }
  const config = parseConfig(entry.component.config, raw, configPath, ctx);
  // built-in steps are compiled by `syncline validate`: where each of their fields is, for its errors
  const fieldWhere = entry.connector === undefined && config.ok ? fieldLocations(raw, configPath, ctx) : undefined;
  return {
    explicit,
    type,
    config: config.ok ? config.data : undefined,
    ok: config.ok,
    path,
    ...(fieldWhere === undefined ? {} : { fieldWhere }),
  };
}

/** The `steps:` list of a flow, with unique names (`map`, `map#2`, or the user's `name:`). */
export function parseSteps(
  items: readonly unknown[],
  flowPath: readonly PathKey[],
  ctx: ParseContext,
): StepDefinition[] {
  const parsed = items.map((item, i) => parseStep(item, [...flowPath, 'steps', i], ctx));
  const valid = parsed.filter((p): p is ParsedStep => p !== undefined);
  const names = uniqueNames(
    valid.map((p) => ({ explicit: p.explicit, base: p.type, path: p.path })),
    'step',
    ctx,
  );
  return valid.map((p, i) => ({
    name: names[i] as string,
    type: p.type,
    config: p.config,
    where: ctx.locator.at(p.path).where,
    ...(p.fieldWhere === undefined ? {} : { fieldWhere: p.fieldWhere }),
  }));
}
