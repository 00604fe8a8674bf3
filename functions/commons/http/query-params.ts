import * as z from 'zod';
import { HEALTH_VALUES } from '../connection/health.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../store/table/query-page.ts';
import { HttpError } from './reply.ts';

export const text = z.string().min(1).max(512);
export const limit = z
  .string()
  .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_PAGE_LIMIT))
  .optional()
  .transform((value) => value ?? DEFAULT_PAGE_LIMIT)
  .describe(`Page size, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`);
export const cursor = z
  .string()
  .min(1)
  .max(8192)
  .optional()
  .describe('The previous page’s `next_cursor`; only valid with the same filters');

/** `enum` messages name the allowed values, so a bad filter value says what would work. */
const healthValue = z.enum(HEALTH_VALUES, {
  error: (issue) => `must be one of ${HEALTH_VALUES.join(', ')}, got "${String(issue.input)}"`,
});

/** A query object that refuses parameters it does not know: a mistyped filter must not silently list everything. */
export function queryObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown parameter ${issue.keys.map((key) => `"${key}"`).join(', ')}; allowed: ${allowed}`
        : undefined,
  });
}

/** The query objects as documented (before the refinements and transforms the routes apply). */
export const connectionsQueryShape = queryObject({
  health: healthValue.optional().describe('failing, pending, delayed, paused or healthy'),
  status: healthValue.optional().describe('Another name for `health`'),
  group_id: text.optional(),
  service: text.optional(),
  deleted: z
    .enum(['false', 'true', 'any'], {
      error: (issue) => `must be one of false, true, any, got "${String(issue.input)}"`,
    })
    .optional()
    .transform((value) => value ?? 'false')
    .describe('false (default): live connections; true: deleted ones; any: both'),
  limit,
  cursor,
});

export const connectionsQuery = connectionsQueryShape
  .refine((query) => !(query.health && query.status && query.health !== query.status), {
    message: 'health and status are the same filter; give one',
    path: ['status'],
  })
  .transform(({ status, health, ...rest }) => ({ ...rest, health: health ?? status }));

export const pageQuery = queryObject({ limit, cursor });

export const eventsQuery = queryObject({
  event: text.optional().describe('Only events of this name, e.g. sync_end or dbt_run_failed'),
  group_id: text.optional(),
  limit,
  cursor,
});

/** A zod failure as one line: `limit: must be …`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid query';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'query';
  return `${where}: ${issue.message}`;
}

/** A query validated against its schema; a bad one is a 400 naming the parameter and what would work. */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: Readonly<Record<string, string>>,
): z.output<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw new HttpError(400, describeIssue(result.error));
  return result.data;
}
