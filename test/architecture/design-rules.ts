/**
 * The module arrows of DESIGN.md ("Layout" and "Dependency direction"), as one table: which modules a
 * module under src/ may import. A module is a folder of src/ (`connectors/<name>` is one module per
 * connector); a file may always import its own module. Each rule carries the DESIGN.md sentence it comes
 * from; an arrow DESIGN.md does not draw carries the reason it is allowed anyway (`because`).
 *
 */
export interface Arrow {
  /** The imported module: `sdk`, `engine`, …, or `connectors/*` for any connector. */
  readonly to: string;
  /** When set, only the imported module's `index.ts` (its public entry) may be imported. */
  readonly entryOnly?: true;
  /** Why an arrow that DESIGN.md does not draw is allowed. */
  readonly because?: string;
}

export interface ModuleRule {
  /** `sdk`, `engine`, …; `connectors/*` stands for every connector folder. */
  readonly module: string;
  readonly mayImport: readonly Arrow[];
  /** The sentence(s) of DESIGN.md this rule is built from. */
  readonly design: string;
}

const contract =
  'Dependency direction: `sdk ← kit ← connectors`; `sdk ← {steps, store, queue, security, observe, config}`';

export const moduleRules: readonly ModuleRule[] = [
  { module: 'sdk', mayImport: [], design: '`sdk/` the contract, nothing else. ' + contract },
  { module: 'kit', mayImport: [{ to: 'sdk' }], design: '`kit/` what connectors build on, importing only sdk' },
  {
    module: 'connectors/*',
    mayImport: [{ to: 'sdk' }, { to: 'kit' }],
    design: 'A connector imports `sdk`, `kit` and its own client library, nothing else',
  },
  { module: 'config', mayImport: [{ to: 'sdk' }], design: contract },
  {
    module: 'steps',
    mayImport: [
      { to: 'sdk' },
      {
        to: 'kit',
        because:
          'DESIGN.md puts "the lookup runner and cache" and the path language in kit; the lookup step runs them and ' +
          'the map step reads with the same paths as the connectors (one path language for every component)',
      },
    ],
    design: contract,
  },
  {
    module: 'store',
    mayImport: [
      { to: 'sdk' },
      {
        to: 'kit',
        because: "a PostgreSQL state store's URL is checked by the same database URL parser as the connectors'",
      },
    ],
    design: contract,
  },
  { module: 'queue', mayImport: [{ to: 'sdk' }], design: contract },
  { module: 'security', mayImport: [{ to: 'sdk' }], design: contract },
  { module: 'observe', mayImport: [{ to: 'sdk' }], design: contract },
  {
    module: 'engine',
    mayImport: [
      ...['sdk', 'config', 'steps', 'store', 'observe', 'security'].map((to) => ({ to })),
      {
        to: 'kit',
        because:
          'the engine retries on the injected clock with the same policy helper as the connectors, and reads a ' +
          "delta field with the kit's path reader and its date parse/format and zone helpers",
      },
    ],
    design:
      '`engine` uses those; it knows no queue, terminal or transport. Adding a connector must never require ' +
      'editing the engine: register it explicitly (`createEngine({ connectors: [http, postgres, …] })`)',
  },
  {
    module: 'app',
    mayImport: ['sdk', 'config', 'steps', 'store', 'queue', 'observe', 'security', 'engine'].map((to) => ({ to })),
    design:
      '`app` uses `engine` and the rest; composed by createSyncline({ store, queue, catalog, clock, log }) ' +
      '(issue 12: the connector catalog is handed in, so app imports no connector)',
  },
  {
    module: 'server',
    mayImport: [
      { to: 'app' },
      { to: 'sdk', because: 'the contract (FlowError, Logger, Clock types) app speaks in; sdk imports nothing' },
    ],
    design: '`server` and `cli` use only `app`. server/: thin: validate → app → map errors',
  },
  {
    module: 'cli',
    mayImport: [
      { to: 'app' },
      { to: 'sdk', because: 'the contract (FlowError, Logger, Clock types) app speaks in; sdk imports nothing' },
      {
        to: 'connectors/*',
        entryOnly: true,
        because: 'the CLI is the composition root: it registers the connectors explicitly and hands the catalog to app',
      },
      {
        to: 'steps',
        entryOnly: true,
        because: 'the CLI is the composition root: the built-in steps are part of the catalog it hands to app',
      },
      {
        to: 'server',
        entryOnly: true,
        because:
          'the serve command starts the HTTP transport: it hands what app.serve() returns to createServer and ' +
          'listens; app must not import server (a transport), so the one process that runs both composes them here',
      },
    ],
    design: '`server` and `cli` use only `app`. cli/: `syncline …` commands; thin: parse → app → print',
  },
  {
    module: 'demo',
    mayImport: [],
    design:
      'not in the layout: `npm run demo` drives the built CLI binary, so it imports no module and none imports it',
  },
];

/**
 * "A connector imports `sdk`, `kit` and its own client library, nothing else": the npm packages each
 * connector declares (node built-ins are always allowed). A connector missing here may import none.
 */
export const connectorClients: Readonly<Record<string, readonly string[]>> = {
  file: ['zod', 'csv-stringify', 'csv-parse', 'stream-json'],
  sqlite: ['zod', 'better-sqlite3'],
  http: ['zod'],
  webhook: ['zod'],
  mysql: ['zod', 'mysql2'],
  postgres: ['zod', 'pg', 'pg-copy-streams'],
};

/** "register it explicitly …, no side-effect imports": importing a connector only for its side effects. */
export const sideEffectRule =
  'Adding a connector must never require editing the engine: register it explicitly, no side-effect imports';

/** The module a path under src/ belongs to: `sdk`, `engine`, `connectors/file`, …; '' for a file at src/'s root. */
export function moduleOf(pathInSrc: string): string {
  const parts = pathInSrc.split('/');
  if (parts.length === 1) return '';
  return parts[0] === 'connectors' && parts.length > 2 ? `connectors/${parts[1]}` : (parts[0] ?? '');
}

/** The rule of a module, `connectors/*` standing for each connector; undefined when the table has none. */
export function ruleOf(module: string): ModuleRule | undefined {
  const key = module.startsWith('connectors/') ? 'connectors/*' : module;
  return moduleRules.find((r) => r.module === key);
}

/** The arrow that lets `from` import `to` (a file of `to`, `entry` when that file is its index.ts), if any. */
export function arrowBetween(rule: ModuleRule, to: string, entry: boolean): Arrow | undefined {
  const key = to.startsWith('connectors/') ? 'connectors/*' : to;
  return rule.mayImport.find((a) => a.to === key && (!a.entryOnly || entry));
}
