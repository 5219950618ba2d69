import type { ErrorCatalog } from './error-catalog.js';

/**
 * The codes of the contract and of the platform's own modules (config, steps, store, security, engine,
 * app, server): they live here because config, steps, store and security may import only the sdk. A
 * FlowError built with one of these codes takes its kind and default hint from here; a connector's codes
 * live in its own catalog (see `defineErrors`). The webhook codes belong to the Receiver contract: any
 * receiver throws them and the server answers each with its HTTP status.
 */
export const coreErrors = {
  owner: 'sdk',
  codes: {
    // configuration: found before anything runs
    CONFIG_YAML_SYNTAX: {
      kind: 'config',
      summary: 'The flow file is not valid YAML.',
      fix: 'Fix the syntax at the reported line and column (indentation, quotes, colons).',
    },
    CONFIG_INVALID: {
      kind: 'config',
      summary: 'A value in the flow file has the wrong type or is missing.',
      fix: 'Change the value at the reported path as the message says; the schema of flow files gives every allowed key.',
      next: [{ action: 'schema.show' }],
    },
    CONFIG_UNKNOWN_KEY: {
      kind: 'config',
      summary: 'A key that the component does not know.',
      fix: 'Remove it or correct its spelling (the hint names the closest known key).',
    },
    CONFIG_UNKNOWN_CONNECTION: {
      kind: 'config',
      summary: 'A source, destination or step names a connection that is not declared.',
      fix: 'Declare it under `connections:` or correct the name.',
    },
    CONFIG_PIPELINE_CYCLE: {
      kind: 'config',
      summary: 'The `next:` links of the flows form a loop, so the pipeline would never end.',
      fix: 'Remove one of the `next:` links named in the message so the chain has a last stage.',
    },
    CONFIG_UNKNOWN_TYPE: {
      kind: 'config',
      summary: 'A connection, source, destination or step type that no registered connector offers.',
      fix: 'Use one of the types listed in the hint.',
    },
    CONFIG_TYPE_MISMATCH: {
      kind: 'config',
      summary: 'A source or destination type belongs to another connector than its connection.',
      fix: "Use a type of the connection's connector, e.g. `sqlite.table` with a `sqlite` connection.",
    },
    CONFIG_BAD_CRON: {
      kind: 'config',
      summary: 'A schedule is not a valid cron expression.',
      fix: 'Use five or six cron fields, e.g. "*/15 * * * *".',
    },
    CONFIG_MISSING_ENV: {
      kind: 'config',
      summary: 'A `${env:NAME}` reference names an environment variable that is not set.',
      fix: 'Set the variable, or give a default: `${env:NAME:-value}`.',
    },
    CONFIG_MISSING_SECRET: {
      kind: 'config',
      summary: 'A `${secret:NAME}` reference names a secret that is not set.',
      fix: 'Set `SYNCLINE_SECRET_NAME` in the environment (or store the secret) before running.',
    },
    CONFIG_BAD_REFERENCE: {
      kind: 'config',
      summary: 'A `${...}` reference is malformed.',
      fix: 'Write `${env:NAME}` or `${secret:NAME}`.',
    },
    CONFIG_BAD_MAPPING: {
      kind: 'config',
      summary: 'A map step field cannot be compiled (bad path, template, transform or date format).',
      fix: 'Correct the field definition at the reported path.',
    },
    CONFIG_BAD_FILTER: {
      kind: 'config',
      summary: 'A filter condition cannot be compiled (unknown operator, bad regular expression).',
      fix: 'Correct the condition at the reported path.',
    },
    CONFIG_BAD_SCRIPT: {
      kind: 'config',
      summary:
        "A script step's code cannot be loaded: a syntax error, a throw or timeout in its top-level code, or neither `transform` nor `transformPage` defined.",
      fix: 'Correct the script at the reported line:column; define `function transform(record)` or `function transformPage(records)`.',
    },
    FLOW_NOT_FOUND: {
      kind: 'config',
      summary: 'The flow named on the command line is not in the file.',
      fix: 'Use one of the flow names the message lists.',
    },
    SYNC_NOT_FOUND: {
      kind: 'config',
      summary: 'The sync named on the command line (or in a request) is not in the file.',
      fix: 'Use one of the sync names the message lists.',
    },
    CONFIG_SYNC_FIELD: {
      kind: 'config',
      summary:
        'A field of a sync cannot correspond as written: unknown on a side, mapped twice, a match or flag field that is not a sync field, or a direction its transform does not allow.',
      fix: 'Name the field on each side (`email: { a: email, b: email_address }`) and give each direction its own transform (`toA`, `toB`) or make the field one-way.',
    },
    CONFIG_SYNC_NOT_INVERTIBLE: {
      kind: 'config',
      summary:
        'A field syncs both ways but has a transform for one direction only that cannot be undone (trim, lowercase, a template, a value map with two inputs for one output).',
      fix: 'Give the other direction its own transform (`toA:` / `toB:`), or make the field one-way (`direction: a-to-b`).',
    },
    CONFIG_SYNC_NO_CURSOR: {
      kind: 'config',
      summary: 'A side of a sync has no change cursor and the sync has no reconcile pass: its changes cannot be found.',
      fix: "Set the side's `cursor:` (a field that grows on every change, e.g. updated_at), or `deletes.reconcile: true` to compare full reads.",
    },
    CONFIG_SYNC_NO_KEYED_WRITES: {
      kind: 'config',
      summary:
        "A side's destination cannot write records by key (it has no keyed writes), so a sync cannot write to that side.",
      fix: 'Use a destination type that supports keyed writes for the side (a table of sqlite, postgres or mysql, or an http request destination with create/update requests).',
    },
    SYNC_FIELD_MISSING: {
      kind: 'config',
      summary:
        'The records read from a side do not have a field the sync maps (checked on the first page, before anything is written).',
      fix: 'Map the field to the name that side uses (`fields.<name>.a` / `.b`); the message lists the fields the records have.',
    },
    SYNC_MATCH_NOT_UNIQUE: {
      kind: 'config',
      summary:
        'The match rule pairs too many records with more than one candidate (more than `match.maxAmbiguous`): the field is not unique; nothing was written.',
      fix: 'Add a second match field (`match: [email, company]`), clean up the duplicates, or raise `match.maxAmbiguous` to send them to the conflict queue.',
    },
    SYNC_NO_CREATED_ID: {
      kind: 'record',
      summary:
        'A record was created on a side, but its destination did not say which key it got, so the pair cannot be linked.',
      fix: "Map the side's key field so the sync writes it, or use a destination that returns the ids of the records it creates.",
    },
    SYNC_CONFLICT_NOT_FOUND: {
      kind: 'config',
      summary: 'No conflict has that id (or it is not open any more).',
      fix: 'List the open conflicts of the sync to see their ids.',
      next: [{ action: 'conflicts.list' }],
    },
    SYNC_LINK_TAKEN: {
      kind: 'record',
      summary:
        "A record is already linked to another record of the other side (a side's create answered with the key of a record that exists, or two records were paired with one): the batch linking it again was not written.",
      fix: "Look the record's key up in the sync's links and unlink the wrong pair; if the side's create merges into existing records (an upsert by e-mail), match on that field instead.",
    },
    SYNC_LINK_NOT_FOUND: {
      kind: 'config',
      summary: 'No link of the sync has that id or record key.',
      fix: "Search the sync's links for the record's key to find the link's id.",
      next: [{ action: 'links.list', sync: '<sync>' }],
    },
    FILE_NOT_FOUND: {
      kind: 'config',
      summary: 'A file (flow file, source file, payload) does not exist or cannot be read.',
      fix: "Check the path; relative paths are resolved against the flow file's folder.",
    },
    STORE_UNAVAILABLE: {
      kind: 'config',
      summary: 'The state store cannot be opened or written.',
      fix: 'Check `SYNCLINE_DB`: a writable file path, or a reachable postgres:// URL.',
    },
    STORE_NOT_FOUND: {
      kind: 'config',
      summary:
        'A command that reads state (status, runs, errors, secrets list) found no state store where it looked; it creates none.',
      fix: "Point it at the store the runs used: `--db <path>` or `SYNCLINE_DB`, or run it from the flow file's folder (the store is `.syncline/syncline.db` beside the flow file).",
    },
    RUN_ALREADY_ACTIVE: {
      kind: 'config',
      summary: 'Another run of the same flow is still active; runs of one flow never overlap.',
      fix: 'Wait for it to end, or cancel it (Ctrl-C in its terminal).',
    },
    ERROR_RECORD_NOT_FOUND: {
      kind: 'config',
      summary: 'No error record has that id.',
      fix: 'List the error records to find the right id.',
      next: [{ action: 'errors.list', filter: {} }],
    },
    ERROR_RECORD_NOT_RETRYABLE: {
      kind: 'config',
      summary:
        'The error record would pass through a step that combines a whole run (aggregate): retried alone, it would write a result of one record; or its destination cannot add a record to what is there (a file.json whose content is not a JSON array).',
      fix: 'Fix the record at the source, run the flow again from the start, then resolve the error record with a note (for a file.json, running the flow again rewrites it whole).',
    },
    ERROR_RECORD_RESOLVED: {
      kind: 'config',
      summary: 'The error record is already resolved or retried successfully.',
      fix: 'Nothing to do; list the open ones to see what is left.',
      next: [{ action: 'errors.list', filter: { status: 'open' } }],
    },
    PAYLOAD_INVALID: {
      kind: 'config',
      summary: 'An edited payload is not a JSON object.',
      fix: 'Write the payload file as one JSON object, e.g. {"email":"a@b.c"}.',
    },
    CONNECTION_FAILED: {
      kind: 'config',
      summary: 'A connection could not be opened: host unreachable, credentials refused, database or file missing.',
      fix: 'Check the connection settings named in the message (host, port, database, user, password, path).',
    },
    MASTER_KEY_INVALID: {
      kind: 'config',
      summary: 'The master key that encrypts secrets is malformed, unreadable or too widely readable.',
      fix: 'Set SYNCLINE_MASTER_KEY to 32 random bytes in base64 (openssl rand -base64 32), or fix the key file (mode 0600).',
    },
    SECRET_UNREADABLE: {
      kind: 'config',
      summary: 'A stored secret cannot be decrypted with the current master key (another key, or tampered data).',
      fix: 'Use the master key the secret was stored with, or store the secret again.',
      next: [{ action: 'secrets.set', name: 'NAME' }],
    },
    WEBHOOK_NOT_FOUND: {
      kind: 'config',
      summary: 'A webhook was posted to a flow that does not exist or whose source does not receive webhooks.',
      fix: 'Post to `/hooks/<flow>` of a flow whose source is `webhook.events`; `GET /hooks` lists them.',
    },
    WEBHOOK_UNAUTHORIZED: {
      kind: 'config',
      summary:
        "A webhook's signature or token did not match the connection's secret, or a timestamped signature (Stripe, Slack) was made outside the tolerance window; the event was refused (HTTP 401).",
      fix: 'Give the sender and the connection the same secret, and check the signature header name and encoding (hex or base64).',
    },
    WEBHOOK_TOO_LARGE: {
      kind: 'config',
      summary: "A webhook's body is larger than the connection's `maxBytes`; the event was refused (HTTP 413).",
      fix: 'Raise `maxBytes` on the webhook connection (default 1mb), or have the sender send smaller events.',
    },
    API_UNAUTHORIZED: {
      kind: 'config',
      summary:
        'A request to a control route of the server (anything but `/hooks/<flow>` and `/health`) had no API token or a wrong one (HTTP 401).',
      fix: 'Send `Authorization: Bearer <token>` with the token the server printed at its first start; rotating the token makes a new one.',
      next: [{ action: 'tokens.rotate' }],
    },
    REQUEST_FORBIDDEN: {
      kind: 'config',
      summary:
        'A request to the server named a host the server does not answer to (DNS rebinding), or came from a web page of another origin (HTTP 403).',
      fix: 'Reach the server by IP address or localhost, or start it allowing that host name; call it from the CLI or a server, not from another site.',
      next: [{ action: 'service.start', allowHost: '<name>' }],
    },
    REQUEST_TOO_LARGE: {
      kind: 'config',
      summary: 'A request to a control route of the server (not `/hooks/<flow>`) has a body above 64 KB (HTTP 413).',
      fix: 'Send control requests with small JSON bodies; post webhook events to `/hooks/<flow>`.',
    },
    WEBHOOK_BAD_PAYLOAD: {
      kind: 'config',
      summary: "A webhook's body is not valid JSON; the event was refused (HTTP 400).",
      fix: 'Send a JSON body (Content-Type: application/json).',
    },
    // transient: retried in place
    TRANSIENT_IO: {
      kind: 'transient',
      summary: 'A temporary failure (busy database, timeout, connection reset).',
      fix: 'Usually none: the step is retried. If it persists, check the system named in the message.',
    },
    CIRCUIT_OPEN: {
      kind: 'transient',
      summary: "A connection's circuit breaker is open after repeated failures: calls are refused until it half-opens.",
      fix: "Nothing at first: runs wait for the circuit, or end as `paused` and resume later; for a spoke of a hub-and-spoke flow its records are kept as transient error records (autoRetry retries them, or retry that destination's records yourself). If it stays open, check the system behind the connection; the status shows breakers.",
      next: [{ action: 'errors.retry', filter: { destination: '<name>' } }, { action: 'status.show' }],
    },
    TIMEOUT: {
      kind: 'transient',
      summary:
        "A call to a connection took longer than its timeout (a destination write, the source's next page, a lookup step's page).",
      fix: 'Retried on the retry schedule. If it keeps happening, check the system, or raise `timeouts.write` / `timeouts.read` on the flow or `timeout` on the lookup step.',
    },
    // record: the record goes to the error store, the run goes on
    RECORD_MALFORMED: {
      kind: 'record',
      summary: 'The source could not parse this record (broken CSV quoting, invalid JSON line).',
      fix: 'Correct the line in the source file, or fix the payload and retry the error record.',
    },
    RECORD_NO_KEY: {
      kind: 'record',
      summary:
        'The record lacks a value for the key an update/upsert destination writes by (a key column, the field an API upserts on).',
      fix: 'Map a value into every key field.',
    },
    RECORD_MISSING_FIELD: {
      kind: 'record',
      summary:
        'A field the record needs is missing: a map field with `onMissing: error`, a key field of a `dedupe` step (missing, null or empty), a field an HTTP request template uses.',
      fix: 'Add the field to the record and retry the error record; for a map field you may instead set `onMissing: null|omit` or a `default`.',
    },
    DELTA_CURSOR_MISSING: {
      kind: 'record',
      summary:
        'A delta-synced record has no value in the cursor field (`delta.field`), so it cannot move the watermark.',
      fix: 'Fill the field at the source and retry the error record, or set `delta.onMissing: pass` to deliver such records anyway.',
    },
    DELTA_CURSOR_INVALID: {
      kind: 'record',
      summary:
        'The cursor field of a delta-synced record holds a value that is not a timestamp in the expected format (or a number where the others are timestamps).',
      fix: 'Set `delta.format` (and `delta.timezone` for values without an offset) to match the source, or correct the value at the source.',
    },
    DATA_QUALITY: {
      kind: 'record',
      summary:
        'The record breaks a rule of a `validate` step (required, type, pattern, range, enum, unique); the message names each broken rule.',
      fix: 'Correct the record at the source (or the rule in the flow file), then retry the error record.',
    },
    RECORD_BAD_VALUE: {
      kind: 'record',
      summary: 'A value cannot be converted as the mapping asks (not a number, not a date, …).',
      fix: 'Correct the value in the source, or adjust the transform.',
    },
    RECORD_NOT_FOUND: {
      kind: 'record',
      summary:
        'An update found no destination row with that key, or a lookup found no row for the record (`onMissing: error`).',
      fix: 'Use `operation: upsert`, or create the row first; for a lookup, add the row, correct the record, or set `onMissing: skip|null|default`.',
    },
    SCRIPT_ERROR: {
      kind: 'record',
      summary:
        "A script step's function threw on this record (or page); the message gives the script line and the error.",
      fix: 'Fix the script at the reported line (or the record it cannot handle), then retry the error record.',
    },
    SCRIPT_TIMEOUT: {
      kind: 'record',
      summary:
        "A script step's function ran longer than its `timeout` on this record (or page): an endless loop, or too much work.",
      fix: "Look for a loop that never ends for this record's values, or raise the step's `timeout` (default 1s).",
    },
    SCRIPT_MEMORY: {
      kind: 'record',
      summary: "A script step's function ran out of the sandbox's memory on this record (or page).",
      fix: "Keep less data in the script (global arrays grow across records), or raise the step's `memory` (default 64MB); with transformPage, a smaller page also helps.",
    },
    SCRIPT_BAD_RESULT: {
      kind: 'record',
      summary:
        "A script step's function returned something that is not records: not an object, or a value JSON cannot hold (a function, NaN, undefined in an array).",
      fix: 'Return the record (an object), null to drop it, or an array of objects; the message names the offending key.',
    },
    // system: fail and report
    RUN_TIMEOUT: {
      kind: 'system',
      summary:
        "The run took longer than the flow's `timeouts.run`; it stopped at a page boundary, its checkpoint kept.",
      fix: 'Run it again to go on from the checkpoint, or raise `timeouts.run`.',
    },
    RUN_SKIPPED: {
      kind: 'system',
      summary:
        "A scheduled or manual start was skipped because a run of the flow was still active (the flow's `overlap: skip`).",
      fix: 'Nothing, when runs are longer than the schedule on purpose; otherwise widen the schedule or set `overlap: queue`.',
    },
    ERROR_THRESHOLD: {
      kind: 'system',
      summary:
        "The run stopped because too many of its records failed (the flow's `errorThreshold:`: by default more than 90% of at least 1000 records read); its checkpoint is kept and the records that failed are in the error store.",
      fix: "Look at the run's error records of the most common code the message names, fix the cause (a preview shows each step's output), then run again to go on from the checkpoint and retry the failed records; or raise `errorThreshold.maxErrorRate` / `maxErrors` (or override them for one run).",
      next: [
        { action: 'errors.list', filter: { runId: '<id>', code: '<code>' } },
        { action: 'flows.preview', flow: '<flow>' },
        { action: 'flows.run', flow: '<flow>', overrideThreshold: true },
      ],
    },
    PAUSED: {
      kind: 'system',
      summary:
        "The run stopped because a destination's circuit stayed open longer than the breaker's `maxWait`; its checkpoint is kept.",
      fix: 'Run the flow again once the system is back: it resumes from the checkpoint. The status shows the breaker.',
      next: [{ action: 'status.show' }],
    },
    CANCELED: {
      kind: 'system',
      summary: 'The run was canceled (Ctrl-C or a cancel request).',
      fix: 'Run the flow again: it resumes from its last checkpoint.',
    },
    INTERRUPTED: {
      kind: 'system',
      summary:
        'The run stopped holding its flow: its process died (killed, crashed, machine restarted), or it renewed its lease for none of the lease window (paused, asleep, blocked) and another run took over.',
      fix: 'Nothing: the next run resumes from the last checkpoint.',
    },
    RUN_LEASE_LOST: {
      kind: 'system',
      summary:
        'The run went longer than the lease window without a commit or heartbeat (process paused, machine asleep, event loop blocked), another run took its flow over, and this run stopped without writing anything more.',
      fix: 'Nothing to repair: the run that took over resumed from the last checkpoint. Find what stalled the process (a long `script`, a suspended VM or laptop).',
    },
    INTERNAL: {
      kind: 'system',
      summary: 'An unexpected error inside Syncline or a connector.',
      fix: 'Report it with the message and the run id; the run can be resumed.',
    },
  },
} as const satisfies ErrorCatalog;

export type CoreErrorCode = keyof typeof coreErrors.codes;
