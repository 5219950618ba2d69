import { z } from 'zod';
import { bodyExcerpt, type HttpResponse, pathReader, pathSchema, type ScopeReader } from '../../kit/index.js';
import type { Json } from '../../sdk/index.js';
import { httpConnectorErrors } from './error-codes.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * `results:` of the `http.request` destination: where an answer reports each record's outcome
 * (Marketo `result[].status`, Salesforce collections `[].success`), one result per record sent, in
 * the order sent.
 */
export const writeResultsConfig = z
  .object({
    /** Path of the results list in the answer; default the answer itself (an array). */
    path: pathSchema.optional(),
    /**
     * When a result means "written": a path whose value is true (any truthy value), or
     * `{ path, in: [values] }`, e.g. `{ path: status, in: [created, updated] }`.
     */
    success: z.union([pathSchema, z.object({ path: pathSchema, in: z.array(scalar).min(1) }).strict()]),
    /** Path of the API's message in a result that is not a success, e.g. `reasons[0].message`. */
    error: pathSchema.optional(),
    /** Path of the API's own error code in such a result, e.g. `errors[0].statusCode`. */
    code: pathSchema.optional(),
    /** Path of the id the API gave a written record, e.g. `id`. */
    id: pathSchema.optional(),
  })
  .strict();

export type WriteResultsConfig = z.infer<typeof writeResultsConfig>;

export type Verdict = { readonly ok: true; readonly id?: string } | { readonly ok: false; readonly error: string };

const text = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

export interface ResultsReader {
  /**
   * One verdict per record sent (`count`), from a 2xx answer; an answer without exactly `count`
   * results at the path fails with HTTP_RESULTS_MISMATCH (config): records whose outcome is unknown
   * are never counted as written.
   */
  read(answer: Json, count: number, response: HttpResponse, mask: (text: string) => string): Verdict[];
}

export function compileResults(config: WriteResultsConfig): ResultsReader {
  const list: ScopeReader | undefined = config.path === undefined ? undefined : pathReader(config.path, 'results.path');
  const success = typeof config.success === 'string' ? { path: config.success } : config.success;
  const getSuccess = pathReader(success.path, 'results.success');
  const allowed = 'in' in success ? new Set(success.in.map((v) => String(v))) : undefined;
  const getError = config.error === undefined ? undefined : pathReader(config.error, 'results.error');
  const getCode = config.code === undefined ? undefined : pathReader(config.code, 'results.code');
  const getId = config.id === undefined ? undefined : pathReader(config.id, 'results.id');
  const where = config.path === undefined ? 'the answer' : `results path "${config.path}"`;

  const written = (result: Json): boolean => {
    const v = getSuccess(result);
    if (allowed) return v !== undefined && v !== null && typeof v !== 'object' && allowed.has(String(v));
    return Boolean(v);
  };

  return {
    read(answer, count, response, mask) {
      const found = list ? list(answer) : answer;
      // record mode: one result, as an object or a list of one
      const results: Json[] | undefined = Array.isArray(found)
        ? (found as Json[])
        : count === 1 && typeof found === 'object' && found !== null
          ? [found as Json]
          : undefined;
      if (results === undefined || results.length !== count) {
        const got = results === undefined ? (found === undefined ? 'nothing' : 'no list') : `${results.length} results`;
        throw httpConnectorErrors.fail(
          'HTTP_RESULTS_MISMATCH',
          `${response.label.request} answered ${response.status} with ${got} at ${where} for ${count} record${count === 1 ? '' : 's'} sent, so which were written is unknown; the answer: ${bodyExcerpt(mask(response.text), 200)}`,
          {
            where: response.label.connection,
            field: 'results.path',
            hint: 'Point `results.path` at the list with one result per record sent, in the order sent (e.g. result for Marketo; leave it out for Salesforce collections, whose answer is that list).',
          },
        );
      }
      return results.map((result): Verdict => {
        if (written(result)) {
          const id = text(getId?.(result));
          return id === undefined ? { ok: true } : { ok: true, id };
        }
        const code = text(getCode?.(result));
        const message = text(getError?.(result)) ?? JSON.stringify(result);
        return { ok: false, error: bodyExcerpt(mask(code === undefined ? message : `${code} ${message}`), 300) };
      });
    },
  };
}
