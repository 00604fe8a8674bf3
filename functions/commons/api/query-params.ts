import { z } from 'zod';
import { HEALTH_VALUES } from '../health.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../store/query-page.ts';

const text = z.string().min(1).max(512);
const limit = z
  .string()
  .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_PAGE_LIMIT))
  .optional()
  .transform((value) => value ?? DEFAULT_PAGE_LIMIT);
const cursor = z.string().min(1).max(8192).optional();

export const connectionsQuery = z
  .object({
    health: z.enum(HEALTH_VALUES).optional(),
    // `status` is accepted as another name for `health`.
    status: z.enum(HEALTH_VALUES).optional(),
    group_id: text.optional(),
    service: text.optional(),
    deleted: z
      .enum(['false', 'true', 'any'])
      .optional()
      .transform((value) => value ?? 'false'),
    limit,
    cursor,
  })
  .refine((query) => !(query.health && query.status && query.health !== query.status), {
    message: 'health and status are the same filter; give one',
    path: ['status'],
  })
  .transform(({ status, health, ...rest }) => ({ ...rest, health: health ?? status }));

export const pageQuery = z.object({ limit, cursor });

export const eventsQuery = z.object({ event: text.optional(), group_id: text.optional(), limit, cursor });

/** A zod failure as one line: `limit: must be …`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid query';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'query';
  return `${where}: ${issue.message}`;
}
