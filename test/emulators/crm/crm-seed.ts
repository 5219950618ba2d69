import { z } from 'zod';

/** The `crm` emulator's seed file: its API key, its rate limit and its contacts. */
export const crmContactSeed = z
  .object({
    email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address such as ann@example.com'),
    name: z.string().min(1),
    company: z.string().nullable().optional(),
    /** When the contact last changed (ISO 8601); default: when the emulator starts. */
    updated_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const crmSeedSchema = z
  .object({
    apiKey: z.string().min(8).default('crm-demo-key-0001'),
    rateLimit: z
      .object({ requests: z.number().int().positive(), perSeconds: z.number().positive() })
      .strict()
      .default({ requests: 10, perSeconds: 1 }),
    contacts: z.array(crmContactSeed).default([]),
  })
  .strict();

export type CrmSeed = z.infer<typeof crmSeedSchema>;

const companies = ['Acme GmbH', 'Globex', 'Initech', 'Umbrella', null] as const;
const names = ['Ann', 'Bo', 'Cem', 'Dana', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jo', 'Kim', 'Lou'] as const;

/** 25 contacts changed one hour apart from 2026-01-01T00:00Z: what `syncline emulate crm` starts with. */
export const defaultCrmSeed: CrmSeed = crmSeedSchema.parse({
  contacts: Array.from({ length: 25 }, (_, i) => ({
    email: `${names[i % names.length]!.toLowerCase()}${i + 1}@example.com`,
    name: `${names[i % names.length]} ${String.fromCharCode(65 + (i % 26))}.`,
    company: companies[i % companies.length],
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
  })),
});
