/** Which error records an action acts on (the filter shown is the filter acted on). */
export interface ErrorRecordFilter {
  readonly flow?: string;
  readonly runId?: number | string;
  readonly code?: string;
  readonly destination?: string;
  readonly status?: 'open';
}

/**
 * Something the user can do next, as data: an error or a notice names it, and each adapter renders it
 * its own way — the CLI as a command line (src/cli/action-command.ts), the HTTP API as data in the
 * error body (with the route where it has one), notifications as the CLI text. Messages outside the CLI
 * never spell a command themselves; their plain-text `hint` keeps what is not an action.
 */
export type NextAction =
  /** The error records matching `filter`. */
  | { readonly action: 'errors.list'; readonly filter: ErrorRecordFilter }
  /** One error record's details (`id` absent: the user picks one). */
  | { readonly action: 'errors.show'; readonly id?: number | string }
  /** Retry the error records matching `filter` (every one of them), or the ones picked when `filter` is absent. */
  | { readonly action: 'errors.retry'; readonly filter?: ErrorRecordFilter }
  /** Run a flow of the flow file once (`fromStart`: ignoring its checkpoint; `overrideThreshold`: with another error threshold for this run). */
  | {
      readonly action: 'flows.run';
      readonly flow?: string;
      readonly fromStart?: boolean;
      readonly overrideThreshold?: boolean;
    }
  /** Each step's output for a few records of a flow. */
  | { readonly action: 'flows.preview'; readonly flow: string }
  /** The runs recorded of a flow. */
  | { readonly action: 'runs.list'; readonly flow: string }
  /** Flows, checkpoints and circuit breakers. */
  | { readonly action: 'status.show' }
  /** The schema of flow files (every allowed key). */
  | { readonly action: 'schema.show' }
  /** Store a secret (encrypted in the state store). */
  | { readonly action: 'secrets.set'; readonly name: string }
  | { readonly action: 'secrets.list' }
  /** API tokens of the server. */
  | { readonly action: 'tokens.list' }
  | { readonly action: 'tokens.rotate' }
  /** The conflicts of a sync waiting for a person (all syncs' when `sync` is absent). */
  | { readonly action: 'conflicts.list'; readonly sync?: string }
  /** The links (pairs of records) of a sync. */
  | { readonly action: 'links.list'; readonly sync: string }
  /** The deletes of a sync waiting for review. */
  | { readonly action: 'deletes.list'; readonly sync: string }
  /** Start the long-running service (schedules, webhooks, auto-retry), optionally answering to another host name. */
  | { readonly action: 'service.start'; readonly allowHost?: string };

export type NextActionName = NextAction['action'];

/** How an adapter writes an action for people: the CLI as a command line, others as they see fit. */
export type RenderAction = (action: NextAction) => string;

/**
 * The neutral text of an action, for a caller that hands no renderer (a library user, a test):
 * `errors.list flow=orders status=open`. The CLI hands its own (command lines).
 */
export const actionText: RenderAction = (action) => {
  const { action: name, ...rest } = action;
  const fields = Object.entries(rest).flatMap(([key, value]) =>
    value !== null && typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`)
      : [`${key}=${String(value)}`],
  );
  return [name, ...fields].join(' ');
};
