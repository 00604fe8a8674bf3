// zod/mini with named imports: this module is on the webhook Lambda's path (through `connection.ts`).
import { array, type infer as Infer, nullable, number, strictObject, string } from 'zod/mini';
import type { Connection as ApiConnection } from '../fivetran/schemas.ts';
import { clipKept, clipText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '../lib/text.ts';
import { usableId } from '../lib/usable-id.ts';

/**
 * What the connection keeps of Fivetran's `status.tasks` and `status.warnings`: `code` and `message` only,
 * clipped, at most 50 of each (and 64 KiB of text), with the total Fivetran listed beside them. A task's `details` is any JSON
 * (and has been seen holding connection secrets and 40-level nesting), and 600 tasks of 1 KB would pass
 * DynamoDB's 400 KB item limit on their own: neither may stop a connection from being written.
 */
export const MAX_NOTICES = 50;
/** And at most this many UTF-8 bytes of text per list (50 full-length messages could pass 600 KB). */
export const MAX_NOTICE_BYTES = 64 * 1024;

export const noticeSchema = strictObject({ code: nullable(string()), message: nullable(string()) });
export type Notice = Infer<typeof noticeSchema>;

/** The status fields this module owns (spread into the status shape in `connection.ts`). */
export const boundedNoticesShape = {
  tasks: array(noticeSchema),
  /** How many tasks Fivetran listed (`tasks` keeps the first 50). */
  tasks_total: number(),
  warnings: array(noticeSchema),
  warnings_total: number(),
};

export interface BoundedNotices {
  readonly tasks: Notice[];
  readonly tasks_total: number;
  readonly warnings: Notice[];
  readonly warnings_total: number;
}

export const NO_NOTICES: BoundedNotices = { tasks: [], tasks_total: 0, warnings: [], warnings_total: 0 };

function boundedList(list: unknown): { readonly items: Notice[]; readonly total: number } {
  if (!Array.isArray(list)) return { items: [], total: 0 };
  const items: Notice[] = [];
  let bytes = 0;
  for (const entry of list.slice(0, MAX_NOTICES)) {
    const notice = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    const kept: Notice = {
      code: clipText(notice.code, MAX_LABEL_LENGTH),
      message: clipText(notice.message, MAX_REASON_LENGTH),
    };
    bytes += Buffer.byteLength(kept.code ?? '') + Buffer.byteLength(kept.message ?? '');
    if (bytes > MAX_NOTICE_BYTES && items.length > 0) break;
    items.push(kept);
  }
  return { items, total: list.length };
}

/** The bounded tasks and warnings of a status as Fivetran sent it (any shape: what is unreadable is null). */
export function boundedNotices(
  status: { readonly tasks?: unknown; readonly warnings?: unknown } | null | undefined,
): BoundedNotices {
  const tasks = boundedList(status?.tasks);
  const warnings = boundedList(status?.warnings);
  return {
    tasks: tasks.items,
    tasks_total: tasks.total,
    warnings: warnings.items,
    warnings_total: warnings.total,
  };
}

const label = (value: string | null | undefined): string | null => clipKept(value, MAX_LABEL_LENGTH);

/**
 * A REST answer with every text the connection copies clipped (names and states to 1,024 characters, the
 * group id to a usable key), so an oversized value from Fivetran cannot make the item unwritable.
 * Tasks and warnings are bounded separately (`boundedNotices`), because the item keeps a different shape.
 */
export function clippedApiConnection(api: ApiConnection): ApiConnection {
  const status = api.status;
  return {
    ...api,
    group_id: usableId(api.group_id),
    service: label(api.service),
    schema: label(api.schema),
    created_at: label(api.created_at),
    succeeded_at: label(api.succeeded_at),
    failed_at: label(api.failed_at),
    schedule_type: label(api.schedule_type),
    status:
      status === null || status === undefined
        ? status
        : {
            ...status,
            setup_state: label(status.setup_state),
            sync_state: label(status.sync_state),
            update_state: label(status.update_state),
            rescheduled_for: label(status.rescheduled_for),
          },
  };
}

/**
 * Migration of a stored connection item from the shape that kept Fivetran's tasks and warnings verbatim
 * (no `tasks_total`): its lists are bounded as a new answer would be, so the item still reads whole.
 */
export function withBoundedNotices<T extends Record<string, unknown>>(item: T): T {
  const status = item.status;
  if (status === null || typeof status !== 'object' || Array.isArray(status)) return item;
  const fields = status as Record<string, unknown>;
  if (typeof fields.tasks_total === 'number' && typeof fields.warnings_total === 'number') return item;
  return { ...item, status: { ...fields, ...boundedNotices(fields) } };
}
