#!/usr/bin/env -S node --max-semi-space-size=32
import { Command, InvalidArgumentError } from 'commander';
import { createCliRedaction } from './cli-redaction.js';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';
import type { ConflictsListOptions } from './conflicts-command.js';
import type { ResolveOptions } from './conflicts-resolve-command.js';
import type { BulkOptions, ErrorListOptions } from './errors-command.js';
import type { LinksListOptions } from './links-command.js';
import { describeError } from './print-error.js';
import { packageVersion } from './version.js';

exitQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
exitQuietlyOnClosedPipe(process.stderr, (code) => process.exit(code));

// Each command imports its module when it runs: `validate` does not load the HTTP server, `--help`
// loads nothing but commander.
const errorsCommand = () => import('./errors-command.js');
const secretsCommand = () => import('./secrets-command.js');
const tokenCommand = () => import('./token-command.js');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) {
    throw new InvalidArgumentError(
      'expected a fraction above 0 and at most 1, e.g. 0.5 for half (1 never stops by rate)',
    );
  }
  return n;
}

/** The command's resolved secret and env values, masked in everything it logs and prints. */
const redaction = createCliRedaction();

/** Runs a command action, turning every failure into a clear message (secrets masked) and an exit code. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number> | number): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (error) {
      process.stderr.write(`${redaction.redact(describeError(error))}\n`);
      process.exitCode = 1;
    }
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

const program = new Command();
const db = () => program.opts<{ db?: string }>().db;
program
  .name('syncline')
  .description('Keep business systems in step: run flows from YAML files, durably.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .option(
    '--db <location>',
    'state store: a SQLite file path or a postgres:// URL (default: $SYNCLINE_DB, else .syncline/syncline.db beside the flow file; without a flow file, the nearest .syncline/syncline.db from the current folder up)',
  )
  .showHelpAfterError();

program
  .command('run')
  .description(
    'run a flow or a sync (or every flow and sync in the file); resumes an interrupted run from its last checkpoint',
  )
  .argument('<file>', 'flow file (YAML)')
  .argument('[flow]', 'flow or sync name (default: every flow in the file, in order, then every sync)')
  .option('--from-start', 'discard a stored checkpoint and read the source from the beginning')
  .option('--full', 'delta sync: read everything this time, ignoring the watermark (it still moves)')
  .option('--json', 'print each finished run as JSON')
  .option('--max-errors <n>', "stop once more than n records failed (the flow's errorThreshold.maxErrors)", positiveInt)
  .option(
    '--max-error-rate <r>',
    "stop once more than this fraction of the records read failed (the flow's errorThreshold.maxErrorRate; default 0.9)",
    fraction,
  )
  .action(
    action(
      (
        file: string,
        flow: string | undefined,
        o: { fromStart?: boolean; full?: boolean; json?: boolean; maxErrors?: number; maxErrorRate?: number },
      ) => import('./run-command.js').then((m) => m.runCommand(file, flow, { ...o, db: db(), redaction })),
    ),
  );

program
  .command('preview')
  .description('run the first records through the steps without writing; shows input beside output and errors')
  .argument('<file>')
  .argument('<flow>')
  .option('--limit <n>', 'records to preview', positiveInt, 10)
  .option('--json', 'machine-readable output')
  .action(
    action((file: string, flow: string, o: { limit: number; json?: boolean }) =>
      import('./preview-command.js').then((m) => m.previewCommand(file, flow, { ...o, db: db(), redaction })),
    ),
  );

program
  .command('validate')
  .description('check a flow file; reports every problem with file:line:col and a hint (exit 1 on errors)')
  .argument('<file>')
  .option('--connect', 'also open every connection the flows use and run its check (credentials, reachability)')
  .action(
    action((file: string, o: { connect?: boolean }) =>
      import('./validate-command.js').then((m) => m.validateCommand(file, db(), { ...o, redaction })),
    ),
  );

program
  .command('schema')
  .description('print the JSON Schema of flow files (for editors)')
  .action(action(() => import('./validate-command.js').then((m) => m.schemaCommand())));

program
  .command('runs')
  .description('list recent runs, newest first')
  .argument('[flow]')
  .option('--limit <n>', 'how many', positiveInt, 20)
  .option('--json', 'machine-readable output')
  .action(
    action((flow: string | undefined, o: { limit: number; json?: boolean }) =>
      import('./runs-command.js').then((m) => m.runsCommand(flow, { ...o, db: db() })),
    ),
  );

program
  .command('ids')
  .description('the ids destinations returned for the records a run wrote (source record → destination id)')
  .argument('<run>', 'run id', positiveInt)
  .option('--destination <name>', 'one destination only')
  .option('--record <key>', 'one source record, by key or id')
  .option('--limit <n>', 'how many', positiveInt, 100)
  .option('--json', 'machine-readable output')
  .action(
    action((run: number, o: { destination?: string; record?: string; limit: number; json?: boolean }) =>
      import('./ids-command.js').then((m) => m.idsCommand(run, { ...o, db: db() })),
    ),
  );

program
  .command('serve')
  .description(
    'run the file as a service: webhooks (POST /hooks/<flow>), cron schedules, and POST /flows/<flow>/runs to start a flow now',
  )
  .argument('<file>', 'flow file (YAML)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0: any free port)', port, 8787)
  .option('--error-retention <span>', 'remove retried and resolved error records older than this, hourly', '30d')
  .option(
    '--allow-host <name...>',
    'host names the server answers to besides IP addresses, localhost and this machine (behind a proxy or DNS name)',
  )
  .action(
    action((file: string, o: { host: string; port: number; errorRetention: string; allowHost?: string[] }) =>
      import('./serve-command.js').then((m) => m.serveCommand(file, { ...o, db: db(), redaction })),
    ),
  );

program
  .command('emulate')
  .description(
    'start a local emulator of a vendor API with sample data, to try flows offline; without a name, list the emulators',
  )
  .argument('[name]', 'emulator name (see `syncline emulate`)')
  .option('--port <port>', 'port to listen on (default: any free port)', port)
  .option('--seed <file>', "seed data (YAML or JSON) instead of the emulator's sample data")
  .action(
    action((name: string | undefined, o: { port?: number; seed?: string }) =>
      import('./emulate-command.js').then((m) => m.emulateCommand(name, o)),
    ),
  );

program
  .command('status')
  .description(
    "every flow's and sync's last run and open error records, each sync's review queues, and every connection's circuit breaker",
  )
  .option('--json', 'machine-readable output')
  .action(
    action((o: { json?: boolean }) => import('./status-command.js').then((m) => m.statusCommand({ ...o, db: db() }))),
  );

const errors = program
  .command('errors')
  .description('the error store (dead-letter queue): records that failed, with what to fix');

/** The filters shared by list, retry --all and resolve --all. */
function withFilters(command: Command): Command {
  return command
    .option('--flow <name>')
    .option('--run <id>')
    .option('--status <status>', 'open | retried | resolved')
    .option('--code <code>', 'error code, e.g. RECORD_CONSTRAINT')
    .option('--stage <stage>', 'source | step:<name> | destination:<name>')
    .option('--destination <name>', 'failed at this destination (same as --stage destination:<name>)')
    .option('--record <id>', 'the source record id')
    .option('--kind <kind>', 'record | transient | config | system')
    .option('--since <time>', 'created at or after: a date (2026-11-01) or a span back (24h, 7d)')
    .option('--until <time>', 'created before: a date or a span back');
}

withFilters(errors.command('list').description('list error records, newest first'))
  .option('--limit <n>', 'how many', positiveInt, 50)
  .option('--json', 'machine-readable output (pii fields masked)')
  .option('--file <flow.yaml>', "flow file whose `pii` fields to mask (default: each run's own)")
  .option('--unmask', 'show personal data unmasked')
  .action(action((o: ErrorListOptions) => errorsCommand().then((m) => m.errorsList({ ...o, db: db(), redaction }))));
errors
  .command('show')
  .description('show one error record: error, hint, history, payload (pii fields masked)')
  .argument('<id>')
  .option('--json')
  .option('--file <flow.yaml>', "flow file whose `pii` fields to mask (default: the run's own)")
  .option('--unmask', 'show personal data unmasked')
  .action(
    action((id: string, o: { json?: boolean; file?: string; unmask?: boolean }) =>
      errorsCommand().then((m) => m.errorsShow(id, { ...o, db: db(), redaction })),
    ),
  );
withFilters(
  errors
    .command('retry')
    .description(
      're-process error records from the stage where they failed: the ids given, or --all matching the filters',
    )
    .argument('[ids...]')
    .option('--all', 'every open record matching the filters'),
)
  .option('--payload <file>', 'use this JSON object as the record (edited payload; one id only)')
  .option('--file <flow.yaml>', 'flow file to use (default: the one the failing run used)')
  .action(
    action((ids: string[], o: BulkOptions & { payload?: string; file?: string }) =>
      errorsCommand().then((m) => m.errorsRetry(ids, { ...o, db: db(), redaction })),
    ),
  );
withFilters(
  errors
    .command('resolve')
    .description('mark error records as resolved without retrying them: the ids given, or --all matching the filters')
    .argument('[ids...]')
    .option('--all', 'every open record matching the filters'),
)
  .option('--note <text>', 'why (kept in the history)')
  .action(
    action((ids: string[], o: BulkOptions & { note?: string }) =>
      errorsCommand().then((m) => m.errorsResolve(ids, { ...o, db: db() })),
    ),
  );
errors
  .command('purge')
  .description('retention: remove retried and resolved records older than a span (open ones are kept)')
  .option('--older-than <span>', 'e.g. 30d, 12h', '30d')
  .action(action((o: { olderThan: string }) => errorsCommand().then((m) => m.errorsPurge({ ...o, db: db() }))));

const conflicts = program
  .command('conflicts')
  .description('the conflicts of bi-directional syncs waiting for a person: list, show, resolve');
/** The filters shared by conflicts list and resolve --all. */
function withConflictFilters(command: Command): Command {
  return command
    .option('--field <name>', "the sync field (its name under the sync's fields:)")
    .option('--kind <kind>', 'field | match')
    .option('--record <key>', 'a record key on either side')
    .option('--file <flow.yaml>', 'flow file declaring the sync (default: the one its last run used)');
}
withConflictFilters(
  conflicts
    .command('list')
    .description('list conflicts, oldest first (default: the open ones)')
    .argument('[sync]', 'one sync only'),
)
  .option('--status <status>', 'open | resolved | applied | cleared', 'open')
  .option('--limit <n>', 'how many', positiveInt, 50)
  .option('--after <id>', 'the conflicts after this id (next page)')
  .option('--json', 'machine-readable output (pii fields masked)')
  .option('--unmask', 'show personal data unmasked')
  .action(
    action((sync: string | undefined, o: ConflictsListOptions) =>
      import('./conflicts-command.js').then((m) => m.conflictsList(sync, { ...o, db: db(), redaction })),
    ),
  );
conflicts
  .command('show')
  .description("one conflict: base, side a's and side b's values side by side (match conflicts: the candidates)")
  .argument('<id>')
  .option('--json')
  .option('--file <flow.yaml>', 'flow file declaring the sync (default: the one its last run used)')
  .option('--unmask', 'show personal data unmasked')
  .action(
    action((id: string, o: { json?: boolean; file?: string; unmask?: boolean }) =>
      import('./conflicts-command.js').then((m) => m.conflictsShow(id, { ...o, db: db(), redaction })),
    ),
  );
withConflictFilters(
  conflicts
    .command('resolve')
    .description('resolve open conflicts (the ids given, or --all matching the filters); the next run applies them')
    .argument('[ids...]')
    .option('--take <side>', 'a | b (that side wins) | value (--value on both sides)')
    .option('--value <json>', 'with --take value: the value, JSON or plain text')
    .option('--pair <record>', 'match conflicts: pair the record with this candidate')
    .option('--separate', 'match conflicts: keep the records apart (each created on the other side)')
    .option('--note <text>', 'why (kept with the conflict)')
    .option('--all', 'every open conflict matching the filters')
    .option('--sync <name>', 'with --all: one sync only')
    .option('--yes', 'with --all: resolve more than one without asking'),
).action(
  action((ids: string[], o: ResolveOptions) =>
    import('./conflicts-resolve-command.js').then((m) => m.conflictsResolve(ids, { ...o, db: db(), redaction })),
  ),
);

const fileOption = ['--file <flow.yaml>', 'flow file declaring the sync (default: the one its last run used)'] as const;
const links = program
  .command('links')
  .description('the links (pairs of records) of a bi-directional sync: list, unlink, relink, resync');
links
  .command('list', { isDefault: true })
  .description("list a sync's links: both keys, status, last synced time and values (pii masked)")
  .argument('<sync>')
  .option('--search <text>', 'a record key on either side, or text in the last synced values')
  .option('--status <status>', 'linked | pending-create | conflict | pending-delete | delete-approved | error')
  .option('--limit <n>', 'how many', positiveInt, 50)
  .option('--after <id>', 'the links after this id (next page)')
  .option('--json', 'machine-readable output (pii fields masked)')
  .option('--unmask', 'show personal data unmasked')
  .option(...fileOption)
  .action(
    action((sync: string, o: LinksListOptions) =>
      import('./links-command.js').then((m) => m.linksList(sync, { ...o, db: db(), redaction })),
    ),
  );
links
  .command('unlink')
  .description('forget a pair: both records are treated as new the next time they are read')
  .argument('<sync>')
  .argument('<link-id>')
  .option(...fileOption)
  .action(
    action((sync: string, id: string, o: { file?: string }) =>
      import('./links-command.js').then((m) => m.linksUnlink(sync, id, { ...o, db: db(), redaction })),
    ),
  );
links
  .command('relink')
  .description('pair two records explicitly in a link (its last synced values are forgotten)')
  .argument('<sync>')
  .argument('<link-id>')
  .requiredOption('--a <key>', 'the record on side a')
  .requiredOption('--b <key>', 'the record on side b')
  .option(...fileOption)
  .action(
    action((sync: string, id: string, o: { a: string; b: string; file?: string }) =>
      import('./links-command.js').then((m) => m.linksRelink(sync, id, { ...o, db: db(), redaction })),
    ),
  );
links
  .command('resync')
  .description("make the next run re-send one side's values of a pair to the other (every synced field)")
  .argument('<sync>')
  .argument('<link-id>')
  .option('--from <side>', 'a | b (default: the side the conflict policy names, else a)')
  .option(...fileOption)
  .action(
    action((sync: string, id: string, o: { from?: string; file?: string }) =>
      import('./links-command.js').then((m) => m.linksResync(sync, id, { ...o, db: db(), redaction })),
    ),
  );

const deletes = program
  .command('deletes')
  .description('deletes of a bi-directional sync held for review (delete policy review): list, approve, ignore');
deletes
  .command('list', { isDefault: true })
  .description('list the pending deletes of a sync')
  .argument('<sync>')
  .option('--limit <n>', 'how many', positiveInt, 50)
  .option('--after <id>', 'the pending deletes after this link id (next page)')
  .option('--json', 'machine-readable output (pii fields masked)')
  .option('--unmask', 'show personal data unmasked')
  .option(...fileOption)
  .action(
    action((sync: string, o: { limit: number; after?: string; json?: boolean; unmask?: boolean; file?: string }) =>
      import('./deletes-command.js').then((m) => m.deletesList(sync, { ...o, db: db(), redaction })),
    ),
  );
for (const verb of ['approve', 'ignore'] as const)
  deletes
    .command(verb)
    .description(
      verb === 'approve'
        ? 'approve pending deletes: the next run deletes each pair on the other side'
        : 'ignore pending deletes: nothing is deleted, each pair is linked again',
    )
    .argument('<sync>')
    .argument('[link-ids...]')
    .option('--all', 'every pending delete of the sync')
    .option('--yes', `with --all: ${verb} more than one without asking`)
    .option(...fileOption)
    .action(
      action((sync: string, ids: string[], o: { all?: boolean; yes?: boolean; file?: string }) =>
        import('./deletes-command.js').then((m) => m.deletesDecide(verb, sync, ids, { ...o, db: db(), redaction })),
      ),
    );

const connections = program.command('connections').description('the connections declared in a flow file');
connections
  .command('test')
  .description(
    'open each connection (or the one named), run its check (credentials, reachability, http checkPath) and print ok or failed with the reason; exit 1 if any failed',
  )
  .argument('<file>', 'flow file (YAML)')
  .argument('[name]', 'connection name (default: every connection in the file)')
  .action(
    action((file: string, name: string | undefined) =>
      import('./connections-command.js').then((m) => m.connectionsTest(file, name, { db: db() })),
    ),
  );

const secrets = program
  .command('secrets')
  .description('secrets for ${secret:NAME} in flow files, encrypted (AES-256-GCM) in the state store');
secrets
  .command('set')
  .description('store a secret (the value from --value or standard input; never printed)')
  .argument('<name>')
  .option('--value <value>', 'the value (prefer standard input: it stays out of shell history)')
  .action(
    action((name: string, o: { value?: string }) =>
      secretsCommand().then((m) => m.secretsSet(name, { ...o, db: db() })),
    ),
  );
secrets
  .command('list')
  .description('names of the stored secrets (never their values)')
  .action(action(() => secretsCommand().then((m) => m.secretsList({ db: db() }))));
secrets
  .command('delete')
  .argument('<name>')
  .action(action((name: string) => secretsCommand().then((m) => m.secretsDelete(name, { db: db() }))));

const token = program
  .command('token')
  .description('API tokens of `syncline serve` (control routes need Authorization: Bearer <token>); stored as hashes');
token
  .command('rotate')
  .description('print a new token (once); the token of that name it replaces stops working')
  .option('--name <name>', 'token name', 'default')
  .action(action((o: { name: string }) => tokenCommand().then((m) => m.tokenRotate({ ...o, db: db() }))));
token
  .command('list')
  .description('names and creation times of the tokens (never the tokens)')
  .action(action(() => tokenCommand().then((m) => m.tokenList({ db: db() }))));
token
  .command('revoke')
  .argument('<name>')
  .action(action((name: string) => tokenCommand().then((m) => m.tokenRevoke(name, { db: db() }))));

await program.parseAsync(process.argv);
