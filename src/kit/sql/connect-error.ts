import { FlowError } from '../../sdk/errors.js';

/**
 * A failed connect to a database server as the user can act on it: an unknown host, an unreachable
 * server (`mapped`, the driver's error as the connector maps it, is TRANSIENT_IO) with what to check
 * (`reachHint`), else `mapped` itself (authentication, unknown database, …).
 */
export function connectError(error: unknown, target: string, mapped: FlowError, reachHint: string): FlowError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOTFOUND') {
    return new FlowError('CONNECTION_FAILED', `${target}: unknown host (${message})`, {
      where: target,
      cause: error,
      hint: 'Correct the host name of the connection.',
    });
  }
  if (mapped.code === 'TRANSIENT_IO') {
    return new FlowError('TRANSIENT_IO', `cannot reach ${target}: ${message}`, {
      where: target,
      cause: error,
      hint: reachHint,
    });
  }
  return mapped;
}
