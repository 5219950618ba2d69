import type { SyncDefinition, SyncSideName } from '../../config/definition.js';
import type { Json, JsonObject } from '../../sdk/index.js';
import type { ConflictRow, LinkRow, StagedChange } from '../../store/sync-store.js';

/**
 * The pure half of a sync run (docs/sync.md): what to write where, decided from staged changes, links
 * and conflicts, with no I/O. The run (run-sync.ts) reads, stages, asks these functions, writes and
 * commits. Every value here is in a side's own field names unless said otherwise.
 */

export type Side = SyncSideName;

export function otherSide(side: Side): Side {
  return side === 'a' ? 'b' : 'a';
}

/** A sync compiled once per run: its field mappings as closures, hashing and match keys. */
export interface CompiledSync {
  readonly def: SyncDefinition;
  /** The mapped fields of a side's record, in that side's names (what is hashed, staged and compared). */
  extract(side: Side, data: JsonObject): JsonObject;
  /** Hash of a side's mapped values, normalised (equal for values that differ only in representation). */
  hash(side: Side, values: JsonObject): string;
  /** The normalised match-rule key of a side's values (null when a match field is empty or there is no rule). */
  matchKey(side: Side, values: JsonObject): string | null;
  /** Whether the side's soft-delete field marks this record deleted. */
  isDeleted(side: Side, data: JsonObject): boolean;
  /**
   * The other side's values computed from `from`'s values through the fields' transforms (only fields
   * whose direction goes from `from` to the other side): the map machinery (steps/mapping.ts).
   * Throws FlowError (kind record, with `field`) for a value that cannot be mapped.
   */
  translate(from: Side, values: JsonObject): JsonObject;
  /** Whether two values of one field are equal after normalisation (1 and "1", dates in any ISO form). */
  same(a: Json | undefined, b: Json | undefined): boolean;
}

/** A field both sides changed to values that differ, left to a person. */
export interface PlannedConflict {
  /** The sync field's name. */
  readonly field: string;
  readonly base: Json;
  readonly aValue: Json;
  readonly bValue: Json;
}

/** What to do with one link (or a newly matched pair) given the changes staged for it. */
export interface PairPlan {
  /** Fields to update on each side (that side's names; the key is added by the run). Absent: no write. */
  readonly writeA?: JsonObject;
  readonly writeB?: JsonObject;
  /** The link's bases and hashes once the writes are done (fields in conflict keep their old base). */
  readonly baseA: JsonObject;
  readonly baseB: JsonObject;
  readonly aHash: string;
  readonly bHash: string;
  /** New manual conflicts (an open one for the same link and field is updated by the store). */
  readonly conflicts: readonly PlannedConflict[];
  /** Open conflicts of this link settled now: `applied` (its resolution is in the writes), `cleared` (both sides agree now). */
  readonly close: readonly { readonly id: number; readonly status: 'applied' | 'cleared' }[];
  /** The staged change on this side hashed as the link's last synced state: our own write coming back. */
  readonly echoA: boolean;
  readonly echoB: boolean;
  /** Fields both sides changed that the policy decided (newest, a, b) without a person. */
  readonly decided: number;
}

export interface PairInput {
  /** The link; undefined for two records the match rule just paired (no base: every differing field is a both-sides change). */
  readonly link?: LinkRow;
  readonly a?: StagedChange;
  readonly b?: StagedChange;
  /** The link's conflicts that are still open or resolved and not yet applied. */
  readonly conflicts: readonly ConflictRow[];
}

/** A record to create on the other side of the side it was read from. */
export interface CreatePlan {
  readonly from: Side;
  /** The staged change it comes from. */
  readonly change: StagedChange;
  /** The values to create on the other side (its names; the run adds the stamp of `stampCursor`). */
  readonly values: JsonObject;
  /** The link's bases and hashes once created (the intent's hash is the created side's). */
  readonly baseA: JsonObject;
  readonly baseB: JsonObject;
  readonly aHash: string;
  readonly bHash: string;
}

/** The unlinked staged changes of one match key, sorted out. */
export interface MatchPlan {
  /** One record on each side: link them (then plan the pair with no base). */
  readonly pairs: readonly { readonly a: StagedChange; readonly b: StagedChange }[];
  /** A record with no counterpart: create it on the other side. */
  readonly creates: readonly StagedChange[];
  /** More than one candidate: a match conflict per record of the smaller side, never a guess. */
  readonly ambiguous: readonly { readonly record: StagedChange; readonly candidates: readonly StagedChange[] }[];
}

/** What a record deleted on one side does, by the delete policy. */
export type DeletePlan =
  | { readonly action: 'ignore' }
  /** `flag`: set the flag field on the other side. */
  | { readonly action: 'flag'; readonly side: Side; readonly values: JsonObject }
  /** `propagate`: delete the pair on the other side (through its soft-delete field when it has one). */
  | { readonly action: 'delete'; readonly side: Side }
  /** `review`: hold the link as pending-delete until approved or the record comes back. */
  | { readonly action: 'review' };

/** The functions the run calls; each is pure. */
export interface SyncPlanner {
  compile(def: SyncDefinition): CompiledSync;
  planPair(sync: CompiledSync, input: PairInput): PairPlan;
  /** Sorts the unlinked staged changes sharing one match key (or having none) into pairs, creates and ambiguities. */
  planMatch(sync: CompiledSync, changes: readonly StagedChange[]): MatchPlan;
  planCreate(sync: CompiledSync, change: StagedChange): CreatePlan;
  planDelete(sync: CompiledSync, link: LinkRow, deletedOn: Side): DeletePlan;
}
