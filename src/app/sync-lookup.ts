import type { ProjectDefinition, SyncDefinition } from '../config/definition.js';
import { FlowError } from '../sdk/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';
import type { Projects } from './projects.js';

/** A sync as the review commands see it: its definition when its flow file can be read. */
export interface SyncInfo {
  readonly name: string;
  /** The flow file it was read from (`--file`, else the file of its last run); null when unknown. */
  readonly file: string | null;
  /** Undefined when the flow file is unknown or cannot be read: then every value is masked. */
  readonly def: SyncDefinition | undefined;
  /** How the sides are named in output: their labels, else `a` / `b`. */
  readonly labels: { readonly a: string; readonly b: string };
}

export interface SyncLookup {
  /**
   * The sync named `name`, from `file` when given (SYNC_NOT_FOUND listing the file's syncs when it has
   * none of that name), else from the file of its last run; a sync the store has state of but whose
   * file is unknown is returned without its definition. SYNC_NOT_FOUND lists the syncs known.
   */
  find(name: string, file?: string): Promise<SyncInfo>;
  /** The names of the syncs that ran in this store (newest runs first), sorted. */
  known(): Promise<string[]>;
}

/** How many recent runs are looked through for the syncs that ran. */
const RECENT_RUNS = 1000;

export function createSyncLookup(deps: { store: StateStore; projects: Projects }): SyncLookup {
  const { store, projects } = deps;
  const loaded = new Map<string, Promise<ProjectDefinition | undefined>>();
  const load = (file: string) => {
    let project = loaded.get(file);
    if (!project) {
      project = projects.load(file).catch(() => undefined);
      loaded.set(file, project);
    }
    return project;
  };

  const known = async (): Promise<string[]> => {
    const runs = await store.listRuns({ limit: RECENT_RUNS });
    return [...new Set(runs.filter((r) => r.counts.sync !== undefined).map((r) => r.flow))].sort();
  };

  const notFound = (name: string, names: readonly string[], where: string) =>
    new FlowError(
      'SYNC_NOT_FOUND',
      `no sync named "${name}" ${where}${names.length > 0 ? ` (syncs: ${names.join(', ')})` : ' (none)'}`,
    );

  const info = (name: string, file: string | null, def: SyncDefinition | undefined): SyncInfo => ({
    name,
    file,
    def,
    labels: { a: def?.a.label ?? 'a', b: def?.b.label ?? 'b' },
  });

  return {
    known,
    async find(name, file) {
      if (file !== undefined) {
        // an explicit file must load: its errors are the user's to see
        const project = await projects.load(file);
        const def = project.syncs?.[name];
        if (!def) throw notFound(name, Object.keys(project.syncs ?? {}), `in ${project.file}`);
        return info(name, project.file, def);
      }
      const runs: RunRow[] = await store.listRuns({ flow: name, limit: 20 });
      const last = runs.find((r) => r.flowFile !== null);
      const def = last?.flowFile ? (await load(last.flowFile))?.syncs?.[name] : undefined;
      if (def) return info(name, last?.flowFile ?? null, def);
      const hasState =
        runs.some((r) => r.counts.sync !== undefined) ||
        (await store.sync.countLinks({ sync: name })) > 0 ||
        (await store.sync.countConflicts({ sync: name })) > 0;
      if (hasState) return info(name, last?.flowFile ?? null, undefined);
      throw notFound(name, await known(), 'has run with this state store');
    },
  };
}
