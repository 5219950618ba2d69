import type { SyncDefinition } from './definition.js';
import type { ParseContext } from './parse-context.js';
import { parseSync } from './parse-sync.js';

/** The longest sync name: it keys the run's lease and the runs history, and is shown in every message. */
export const SYNC_NAME_MAX = 200;

const SHOWN = 60;

/** A name as shown in a message: at most 60 characters, control characters escaped. */
function shown(name: string): string {
  const cut = name.length > SHOWN ? `${name.slice(0, SHOWN)}…` : name;
  return JSON.stringify(cut);
}

/** A sync's name is short, printable, and not padded with spaces; undefined when it is fine. */
function nameProblem(name: string): string | undefined {
  if (name.length > SYNC_NAME_MAX) return `is ${name.length} characters long (at most ${SYNC_NAME_MAX})`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds a control character (a line break, a tab…)';
  if (name.trim() !== name || name === '') return 'is empty or starts or ends with a space';
  return undefined;
}

/**
 * `syncs:` of the flow file. A sync's name is unique among flows and syncs (a run, its lease and the
 * runs history are keyed by it). `wanted`: check only these syncs (the others are not checked).
 */
export function parseSyncs(
  value: unknown,
  flowNames: ReadonlySet<string>,
  ctx: ParseContext,
  wanted?: ReadonlySet<string>,
): Record<string, SyncDefinition> {
  const out: Record<string, SyncDefinition> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [name, sync] of Object.entries(value)) {
    if (wanted !== undefined && !wanted.has(name)) continue;
    const path = ['syncs', name];
    const problem = nameProblem(name);
    if (problem !== undefined) {
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.keyAt(path),
        `syncs: the sync name ${shown(name)} ${problem}`,
        'Name syncs with letters, digits, - and _ (e.g. crm-customers).',
      );
      continue;
    }
    if (flowNames.has(name)) {
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.keyAt(path),
        `syncs.${name}: the name is already used by flows.${name}`,
        'Give the sync a name no flow has: runs, their lease and history are kept by name.',
      );
    }
    const parsed = parseSync(name, sync, ctx);
    if (parsed) out[name] = parsed;
  }
  return out;
}
