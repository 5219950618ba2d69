import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { type Context, FlowError } from '../../sdk/index.js';

export const fileConnectionConfig = z
  .object({
    /** Base folder of the files; relative to the flow file's folder. Default: that folder. */
    dir: z.string().min(1).default('.'),
  })
  .strict();

export type FileConnectionConfig = z.infer<typeof fileConnectionConfig>;

/** An opened `file` connection: just the absolute base folder. */
export interface FileConnection {
  readonly dir: string;
}

export function openFileConnection(config: FileConnectionConfig, ctx: Context): FileConnection {
  return { dir: resolve(ctx.baseDir, config.dir ?? '.') };
}

/** Absolute path of a file named in a source/destination config. */
export function resolveFilePath(connection: FileConnection, path: string): string {
  return isAbsolute(path) ? path : resolve(connection.dir, path);
}

export async function checkFileConnection(connection: FileConnection): Promise<void> {
  const info = await stat(connection.dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new FlowError('FILE_NOT_FOUND', `folder ${connection.dir} does not exist or is not a folder`, {
      hint: "Create the folder, or correct the connection's `dir` (relative to the flow file's folder).",
    });
  }
  try {
    await access(connection.dir, constants.R_OK);
  } catch (cause) {
    throw new FlowError('FILE_NOT_FOUND', `folder ${connection.dir} is not readable`, {
      hint: 'Give the user running Syncline read permission on the folder.',
      cause,
    });
  }
}

export async function closeFileConnection(_connection: FileConnection): Promise<void> {}

/** Turns a Node file-system error into a FlowError that names the file. */
export function fileError(error: unknown, path: string, action: string): FlowError {
  if (error instanceof FlowError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'ENOTDIR') {
    return new FlowError('FILE_NOT_FOUND', `cannot ${action} ${path}: ${message}`, { where: path, cause: error });
  }
  return new FlowError('INTERNAL', `cannot ${action} ${path}: ${message}`, {
    kind: 'system',
    where: path,
    cause: error,
  });
}
