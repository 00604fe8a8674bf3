import { toInstantMs } from '../lib/instant.ts';
import { clipText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '../lib/text.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import type { ConnectionTests, LastAction } from './connection.ts';

/**
 * Events that are not syncs: connection tests and operator actions. Each keeps the newest fact per kind
 * (a maximum by Fivetran's `created`), so any delivery order, duplicates included, gives one answer.
 */

const later = (a: string | null, b: string | null): boolean =>
  (toInstantMs(a) ?? Number.NEGATIVE_INFINITY) > (toInstantMs(b) ?? Number.NEGATIVE_INFINITY);

/** Fivetran documents no `data` for these events: the message is read from whatever text it sends. */
function eventMessage(data: Readonly<Record<string, unknown>>): string | null {
  for (const key of ['message', 'reason', 'error', 'status']) {
    const text = clipText(data[key], MAX_REASON_LENGTH);
    if (text !== null) return text;
  }
  return null;
}

/** `connection_failure` / `connection_successful` into the newest of each. */
export function recordConnectionTest(current: ConnectionTests | null, event: FivetranEvent): ConnectionTests {
  const tests = current ?? { failed_at: null, message: null, succeeded_at: null };
  if (event.event === 'connection_successful') {
    return later(event.created, tests.succeeded_at) ? { ...tests, succeeded_at: event.created } : tests;
  }
  const message = eventMessage(event.data) ?? 'Fivetran reported a connection failure';
  if (
    later(event.created, tests.failed_at) ||
    (tests.failed_at === event.created && message > (tests.message ?? ''))
  ) {
    return { ...tests, failed_at: event.created, message };
  }
  return tests;
}

/** The newest of `edit_connector`, `resync_connector`, `resync_table`, `force_update_connector`. */
export function newestAction(current: LastAction | null, event: FivetranEvent): LastAction {
  const candidate: LastAction = {
    event: event.event,
    at: event.created,
    table: clipText(event.data.table ?? event.data.table_name, MAX_LABEL_LENGTH),
  };
  if (current === null || later(candidate.at, current.at)) return candidate;
  // Same instant: a fixed order, so either arrival order keeps the same one.
  if (
    candidate.at === current.at &&
    `${candidate.event}:${candidate.table}` > `${current.event}:${current.table}`
  ) {
    return candidate;
  }
  return current;
}
