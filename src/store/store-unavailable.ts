import { FlowError } from '../sdk/index.js';

function causeText(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return causeText(cause.errors[0]);
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

/** The SQLite file (or its folder) cannot be created, opened or written. */
export function sqliteUnavailable(path: string, cause: unknown): FlowError {
  return new FlowError('STORE_UNAVAILABLE', `cannot open the SQLite state store at "${path}": ${causeText(cause)}`, {
    where: path,
    hint:
      'Set SYNCLINE_DB to a writable file path (its folder is created if missing), e.g. ' +
      'SYNCLINE_DB=./.syncline/syncline.db, or to a postgres:// URL; or fix the permissions of that path.',
    cause,
  });
}

/** The PostgreSQL server cannot be reached, refuses the login, or the schema cannot be migrated. */
export function postgresUnavailable(target: string, maskedUrl: string, cause: unknown): FlowError {
  return new FlowError(
    'STORE_UNAVAILABLE',
    `cannot use the PostgreSQL state store at ${target} (${maskedUrl}): ${causeText(cause)}`,
    {
      where: target,
      hint:
        `Start PostgreSQL on ${target} or point SYNCLINE_DB to a reachable postgres:// URL ` +
        '(user, password and database must exist); unset SYNCLINE_DB to use the embedded SQLite store.',
      cause,
    },
  );
}

/** A command that only reads state was pointed at a SQLite store that does not exist (nothing is created). */
export function storeNotFound(path: string, how: string): FlowError {
  return new FlowError('STORE_NOT_FOUND', `there is no state store at "${path}" (${how})`, {
    where: path,
    hint:
      'Give the store the runs used: --db <path> or SYNCLINE_DB, or run this command from the folder ' +
      'of the flow file (its store is .syncline/syncline.db beside it). Nothing was created.',
  });
}

/** A SQLite file that holds other tables but not Syncline's: it is left alone. */
export function notAStore(path: string): FlowError {
  return new FlowError(
    'STORE_UNAVAILABLE',
    `"${path}" is an SQLite database but not a Syncline state store (it has other tables and no Syncline migrations); it was not changed`,
    {
      where: path,
      hint: 'Check --db or SYNCLINE_DB: point it at the state store, or at a path where a new one may be created.',
    },
  );
}
