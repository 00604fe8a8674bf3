import { toInstantMs } from '../lib/instant.ts';
import type { Connection } from './connection.ts';

/**
 * A reported `connection_failure` holds until a newer success: a `connection_successful`, or a successful
 * sync that ended after it (from either source). Undated facts count as older than any dated one.
 */
export function openConnectionFailure(
  connection: Pick<Connection, 'connection_tests' | 'last_completed_sync'>,
): { readonly at: string | null; readonly message: string | null } | null {
  const tests = connection.connection_tests;
  if (tests === null || tests.failed_at === null) return null;
  const failedMs = toInstantMs(tests.failed_at) ?? Number.NEGATIVE_INFINITY;
  const completed = connection.last_completed_sync;
  const syncedMs = completed?.status === 'SUCCESSFUL' ? toInstantMs(completed.ended_at) : null;
  const succeededMs = Math.max(
    toInstantMs(tests.succeeded_at) ?? Number.NEGATIVE_INFINITY,
    syncedMs ?? Number.NEGATIVE_INFINITY,
  );
  return succeededMs >= failedMs ? null : { at: tests.failed_at, message: tests.message };
}
