import type { Clock } from './clock.js';
import type { Inbox } from './inbox.js';
import type { Json } from './json.js';
import type { StepState } from './step-state.js';

export type LogFields = Record<string, unknown>;

/** A structured logger (pino-compatible subset). Never pass secrets in fields. */
export interface Logger {
  debug(fields: LogFields, message?: string): void;
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
  child(bindings: LogFields): Logger;
}

/** Counters a component can bump; the engine records them per run. */
export interface Metrics {
  increment(name: string, by?: number, labels?: Record<string, string>): void;
  observe(name: string, value: number, labels?: Record<string, string>): void;
}

/**
 * Small durable values a connector keeps between runs and processes (OAuth2 tokens, sessions),
 * sealed at rest by the engine. Keys are the connector's own (e.g. a hash of token URL and client id).
 */
export interface TokenStore {
  load(key: string): Promise<Json | undefined>;
  save(key: string, value: Json): Promise<void>;
}

/** Everything a component may use at run time: passed explicitly, never global. */
export interface Context {
  readonly runId: string;
  readonly flow: string;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Folder that relative paths in the flow file are resolved against. */
  readonly baseDir: string;
  /** Durable, encrypted storage for tokens; absent where nothing is persisted (tests, preview). */
  readonly tokens?: TokenStore;
  /** The flow's inbox of pushed events (webhooks); present in runs the engine starts. */
  readonly inbox?: Inbox;
  /** Durable keyed state for steps (shared caches, dedupe keys, spilled groups); present in runs the engine starts. */
  readonly state?: StepState;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

export const noMetrics: Metrics = {
  increment() {},
  observe() {},
};
