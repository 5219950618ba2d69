import { z } from 'zod';

/**
 * The connection keys every database server connector shares (besides its `url`): host, port,
 * database, user, password, TLS and pool size, so they mean the same in every flow file.
 */
export const serverConnectionFields = {
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  database: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  /** `true` for TLS with the system's CAs, or the options: PEM texts, rejectUnauthorized (default true). */
  ssl: z
    .union([
      z.boolean(),
      z
        .object({
          ca: z.string().optional(),
          cert: z.string().optional(),
          key: z.string().optional(),
          rejectUnauthorized: z.boolean().default(true),
        })
        .strict(),
    ])
    .optional(),
  pool: z
    .object({ max: z.number().int().min(1).max(1000).default(4) })
    .strict()
    .default({ max: 4 }),
};

/**
 * For `.refine(...urlOrHost(example))` on a server connection: it needs `url:` or `host:`; the message
 * shows the URL form with the connector's scheme and default port (`example`).
 */
export function urlOrHost(
  example: string,
): [(c: { url?: string | undefined; host?: string | undefined }) => boolean, { message: string; path: string[] }] {
  return [
    (c) => c.url !== undefined || c.host !== undefined,
    { message: `give url: ${example}, or host (with port, user, password, database)`, path: ['url'] },
  ];
}
