import { markDeleted } from '../connection/apply-api.ts';
import { NotFoundError, PermissionMissingError } from '../fivetran/errors.ts';
import { WorkPool } from '../lib/work-pool.ts';
import { DUMMY_CONNECTION_ID } from '../webhook/parse-event.ts';
import { type ConnectionListing, observedAt, remember, saveFromApi } from './sweep-connections.ts';
import { ensureTime, type SweepContext } from './sweep-context.ts';

/**
 * Deletion is confirmed, never inferred: each stored, not-deleted connection the completed listing did not
 * return is asked for by id. 404 → `deleted_at`; 200 → it exists (a scoped key lists fewer connections than
 * the account has) and its details are merged like a listing item; 403 → the key cannot see it, which is not
 * proof of anything. Call only after a listing that completed in this sweep.
 */
export async function confirmDeletions(context: SweepContext, listing: ConnectionListing): Promise<void> {
  const { tally } = context;
  const candidates = [...listing.stored.values()]
    .filter((c) => c.deleted_at === null && !listing.seen.has(c.id) && c.id !== DUMMY_CONNECTION_ID)
    .map((c) => c.id)
    .sort();
  tally.deletion_candidates = candidates.length;
  context.progress('deletions');
  const pool = new WorkPool(Math.min(4, context.concurrency));
  try {
    for (const id of candidates) {
      ensureTime(context, 'confirming deletions');
      await pool.add(async () => {
        try {
          const details = await context.client.connection(id);
          await saveFromApi(context, listing, details, observedAt(context.now()));
        } catch (error) {
          if (error instanceof NotFoundError) {
            await markConfirmedDeleted(context, listing, id);
          } else if (!(error instanceof PermissionMissingError)) {
            throw error;
          }
        }
        tally.deletions_checked++;
        context.progress('deletions');
      });
    }
    await pool.drain();
  } catch (error) {
    await pool.settle();
    throw error;
  }
}

async function markConfirmedDeleted(context: SweepContext, listing: ConnectionListing, id: string) {
  const observation = observedAt(context.now());
  const saved = await context.writer.save(
    id,
    (current) => {
      if (current === null) return null;
      const next = markDeleted(current, observation);
      return next === current ? null : next;
    },
    { value: listing.stored.get(id) ?? null, version: listing.versions.get(id) ?? null },
  );
  remember(listing, id, saved);
  if (saved.written) {
    context.tally.connections_written++;
    context.tally.connections_deleted++;
    context.tally.items_written++;
  }
}
