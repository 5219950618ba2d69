import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FaultInjector, FaultRule } from './fault-injector.js';
import type { Recorder } from './recorder.js';

/**
 * The emulator's own control routes under `/_emulator/`, for whoever drives an emulator from outside
 * its process (`syncline emulate`, a spawned scenario test): read and clear the recorded calls, add and
 * clear faults. They are neither recorded nor subject to faults, and need no credentials: emulators
 * listen on 127.0.0.1 and hold sample data only.
 */
export const CONTROL_PREFIX = '/_emulator/';

const faultRuleSchema = z
  .object({
    fault: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('latency'), ms: z.number().int().min(0) }).strict(),
      z
        .object({ kind: z.literal('status'), status: z.number().int().min(400).max(599), body: z.unknown().optional() })
        .strict(),
      z.object({ kind: z.literal('rate-limit'), retryAfterSeconds: z.number().min(0).optional() }).strict(),
      z.object({ kind: z.literal('expire-tokens') }).strict(),
      z.object({ kind: z.literal('reset') }).strict(),
    ]),
    method: z.string().optional(),
    path: z.string().startsWith('/').optional(),
    skip: z.number().int().min(0).optional(),
    /** null: every matching request from now on (JSON has no Infinity). */
    times: z.number().int().min(1).nullable().optional(),
  })
  .strict();

export function registerControlRoutes(
  app: FastifyInstance,
  parts: { recorder: Recorder; faults: FaultInjector },
): void {
  app.get(`${CONTROL_PREFIX}calls`, async () => ({ calls: parts.recorder.calls }));
  app.delete(`${CONTROL_PREFIX}calls`, async (_req, reply) => {
    parts.recorder.clear();
    return reply.code(204).send();
  });
  app.post(`${CONTROL_PREFIX}faults`, async (req, reply) => {
    const parsed = faultRuleSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return reply.code(400).send({ error: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const { times, ...rest } = parsed.data;
    const rule = { ...rest, ...(times === undefined ? {} : { times: times ?? Number.POSITIVE_INFINITY }) } as FaultRule;
    parts.faults.add(rule);
    return reply.code(201).send({ pending: parts.faults.pending });
  });
  app.delete(`${CONTROL_PREFIX}faults`, async (_req, reply) => {
    parts.faults.clear();
    return reply.code(204).send();
  });
}
