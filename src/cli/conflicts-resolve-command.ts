import { userInfo } from 'node:os';
import type { ConflictResolution, ConflictRow, ConflictTarget, SyncInfo, Syncline } from '../app/index.js';
import { FlowError, type Json } from '../sdk/index.js';
import type { CliRedaction } from './cli-redaction.js';
import { type ConflictFilterOptions, describeConflictFilter, toConflictFilter } from './conflicts-command.js';
import { withApp } from './open-app.js';
import { parseId, printer, runLine } from './sync-format.js';

export interface ResolveOptions extends ConflictFilterOptions {
  db?: string;
  file?: string;
  /** With --all: only this sync's conflicts. */
  sync?: string;
  take?: string;
  value?: string;
  pair?: string;
  separate?: boolean;
  note?: string;
  all?: boolean;
  yes?: boolean;
  redaction?: CliRedaction;
}

/** `--value`: JSON when it parses (`42`, `"x"`, `{"a":1}`, `null`), else the text as is. */
export function parseValue(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/** Who resolves (kept with the resolution): the user's login name, when the system knows it. */
function resolver(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

/** The resolution the options ask for: exactly one of --take a|b|value, --pair <record>, --separate. */
export function resolutionOf(o: ResolveOptions): ConflictResolution {
  const chosen = [o.take !== undefined, o.pair !== undefined, o.separate === true].filter(Boolean).length;
  if (chosen !== 1)
    throw new FlowError('CONFIG_INVALID', 'say how to resolve: --take a|b|value, --pair <record> or --separate', {
      hint: 'field conflicts: --take a (side a wins), --take b, or --take value --value <json>; match conflicts: --pair <candidate record> or --separate',
    });
  const by = resolver();
  const who = by === undefined ? {} : { by };
  if (o.pair !== undefined) return { take: 'pair', pairWith: o.pair, ...who };
  if (o.separate) return { take: 'separate', ...who };
  if (o.take !== 'a' && o.take !== 'b' && o.take !== 'value')
    throw new FlowError('CONFIG_INVALID', `--take ${o.take}: take a, b or value`, {
      hint: '--take a: side a wins; --take b: side b wins; --take value --value <json>: that value on both sides',
    });
  if (o.take === 'value') {
    if (o.value === undefined)
      throw new FlowError('CONFIG_INVALID', '--take value needs --value <json or text>', {
        hint: "the value in side a's terms, e.g. --value '\"ada@example.com\"' or --value 42",
      });
    return { take: 'value', value: parseValue(o.value), ...who };
  }
  if (o.value !== undefined)
    throw new FlowError('CONFIG_INVALID', `--value goes with --take value, not --take ${o.take}`);
  return { take: o.take, ...who };
}

function targetOf(ids: readonly string[], o: ResolveOptions): ConflictTarget {
  if (o.all && ids.length > 0)
    throw new FlowError('CONFIG_INVALID', 'give conflict ids or --all with filters, not both');
  if (!o.all) {
    if (ids.length === 0)
      throw new FlowError('CONFIG_INVALID', 'name the conflicts to resolve', {
        hint: 'give their ids (syncline conflicts list shows them), or --all with filters such as --sync and --field',
      });
    return { ids: ids.map((t) => parseId(t, 'conflict id')) };
  }
  if (o.status !== undefined && o.status !== 'open')
    throw new FlowError('CONFIG_INVALID', `--all resolves open conflicts only, not --status ${o.status}`);
  if (o.take === 'value')
    throw new FlowError('CONFIG_INVALID', '--all takes a side (--take a|b): one value for many conflicts is refused', {
      hint: 'resolve conflicts with a value of your own one by one (by id)',
    });
  return { filter: toConflictFilter(o.sync, o) };
}

/**
 * `syncline conflicts resolve <id…> --take a|b|value` / `--pair` / `--separate`, or `--all [filters]`:
 * prints how many conflicts match first, and with more than one asks for --yes. Resolutions are
 * applied by each sync's next run (said in the output, with the command that runs it).
 */
export async function conflictsResolve(ids: readonly string[], o: ResolveOptions): Promise<number> {
  const resolution = resolutionOf(o);
  const target = targetOf(ids, o);
  const print = printer(o.redaction);
  return withApp({ db: o.db, file: o.file, mustExist: true }, { redaction: o.redaction }, async (app) => {
    const conflicts = app.syncs.conflicts;
    if ('filter' in target) {
      // the filter shown is the filter acted on: counted first, then exactly those are resolved
      const selected = await conflicts.select(target);
      const words = describeConflictFilter({ ...target.filter, status: 'open' });
      if (selected.length === 0) {
        print(`no open conflicts match (${words}); nothing resolved\n`);
        return 0;
      }
      print(`${selected.length} open conflict${selected.length === 1 ? '' : 's'} match (${words})\n`);
      if (selected.length > 1 && !o.yes) {
        print(`nothing resolved yet: add --yes to resolve all ${selected.length}\n`);
        return 1;
      }
      return report(app, await conflicts.resolve({ ids: selected.map((c) => c.id) }, resolution, o.note));
    }
    return report(app, await conflicts.resolve(target, resolution, o.note));
  });

  /** Each conflict resolved, and the run of each sync that applies them. */
  async function report(app: Syncline, resolved: readonly ConflictRow[]): Promise<number> {
    const syncs = new Map<string, SyncInfo>();
    for (const c of resolved)
      if (!syncs.has(c.sync))
        syncs.set(c.sync, await app.syncs.lookup.find(c.sync, o.file).catch(() => unknown(c.sync)));
    const how = (s: SyncInfo) =>
      resolution.take === 'a' || resolution.take === 'b'
        ? `${s.labels[resolution.take]}'s value wins`
        : resolution.take === 'value'
          ? 'the value given goes to both sides'
          : resolution.take === 'pair'
            ? `paired with ${resolution.pairWith}`
            : 'kept separate';
    const note = o.note ? ` (${o.note})` : '';
    if (resolved.length <= 20)
      for (const c of resolved)
        print(`conflict ${c.id} resolved: ${how(syncs.get(c.sync) ?? unknown(c.sync))}${note}\n`);
    else print(`${resolved.length} conflicts resolved${note}\n`);
    for (const s of syncs.values()) print(`the next run of sync ${s.name} applies it: ${runLine(s)}\n`);
    return 0;
  }
}

const unknown = (name: string): SyncInfo => ({ name, file: null, def: undefined, labels: { a: 'a', b: 'b' } });
