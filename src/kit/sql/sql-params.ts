import { z } from 'zod';
import type { Json } from '../../sdk/json.js';

/** Any JSON value (a named parameter's value). */
export const sqlParamValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(sqlParamValue), z.record(z.string(), sqlParamValue)]),
);

/** `params:` of a SQL source: the values of the named parameters (`:status`) its SQL uses. */
export const sqlParams = z.record(
  z.string().regex(/^[A-Za-z_]\w*$/, 'a parameter name is letters, digits, _'),
  sqlParamValue,
);
