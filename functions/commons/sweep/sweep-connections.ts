import { type ApiObservation, applyApiConnection } from '../connection/apply-api.ts';
import { sameConnection } from '../connection/apply-event.ts';
import type { Connection } from '../connection/connection.ts';
import type { Connection as ApiConnection } from '../fivetran/schemas.ts';
import { usableId } from '../lib/usable-id.ts';
import { WorkPool } from '../lib/work-pool.ts';
import type { SavedConnection } from '../store/repositories/connections.ts';
import { ItemTooLargeError } from '../store/table/item-size.ts';
import { DUMMY_CONNECTION_ID } from '../webhook/parse-event.ts';
import { definitionFingerprint, type SchemaCandidate } from './schema-due.ts';
import { ensureTime, type SweepContext, skipConnection } from './sweep-context.ts';

/** What the listing leaves for the later phases. */
export interface ConnectionListing {
  /** Every stored connection, as it is after this sweep's writes. */
  readonly stored: Map<string, Connection>;
  /** Their item versions, so a write needs no read first (see `KnownItem`). */
  readonly versions: Map<string, number | null>;
  /** The connections the listing returned (their schema-relevant facts). */
  readonly seen: Map<string, SchemaCandidate>;
  /** The listed connections' raw `config`, in memory only (lineage naming picks a few fields from it). */
  readonly apiConfigs: Map<string, Readonly<Record<string, unknown>>>;
}

/**
 * Writes one REST answer about a connection through the store's read-modify-write (which recomputes health
 * and notifies a change), unless it would change nothing. `current` is the caller's copy of the stored item:
 * comparing against it first is what keeps an unchanged account from costing a read per connection.
 */
export async function saveFromApi(
  context: SweepContext,
  listing: ConnectionListing,
  api: ApiConnection,
  observation: ApiObservation,
): Promise<void> {
  const current = listing.stored.get(api.id) ?? null;
  if (current !== null && sameConnection(current, applyApiConnection(current, api, observation))) return;
  let saved: SavedConnection;
  try {
    saved = await context.writer.save(
      api.id,
      (fresh) => {
        const merged = applyApiConnection(fresh, api, observation);
        return fresh !== null && sameConnection(fresh, merged) ? null : merged;
      },
      { value: current, version: listing.versions.get(api.id) ?? null },
    );
  } catch (error) {
    // One connection whose item cannot be stored must not stop the listing (and with it every deletion).
    if (!(error instanceof ItemTooLargeError)) throw error;
    skipConnection(context, api.id, error.message);
    return;
  }
  remember(listing, api.id, saved);
  if (saved.written) {
    context.tally.connections_written++;
    context.tally.items_written++;
  }
}

/** Keeps the listing's copy in step with what was just written (or found). */
export function remember(listing: ConnectionListing, id: string, saved: SavedConnection): void {
  if (saved.after === null) return;
  listing.stored.set(id, saved.after);
  listing.versions.set(id, saved.version);
}

export const observedAt = (ms: number): ApiObservation => ({
  observedAtMs: ms,
  nowIso: new Date(ms).toISOString(),
});

/**
 * The account-wide listing (`GET /v1/connections`, 1,000 a page, status straight from the list items: no
 * per-connection request), streamed into the store: the next page is already on its way while this one's
 * changes are written. Must complete within this run (Fivetran's cursors are not trusted across runs); a
 * listing cut short throws, and the sweep then deletes nothing.
 */
export async function sweepConnections(context: SweepContext): Promise<ConnectionListing> {
  const known = await context.repositories.connections.readAll();
  const listing: ConnectionListing = {
    stored: new Map(),
    versions: new Map(),
    seen: new Map(),
    apiConfigs: new Map(),
  };
  for (const [id, item] of known) {
    if (item.value === null) continue;
    listing.stored.set(id, item.value);
    listing.versions.set(id, item.version);
  }
  const pool = new WorkPool(context.concurrency);
  const pages = context.client.connectionPages();
  let next = pages.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) break;
      const observation = observedAt(context.now());
      next = pages.next();
      // Handled here too, so a page that fails while this one is written is not an unhandled rejection.
      next.catch(() => {});
      for (const api of result.value.items) {
        if (usableId(api.id) === null || api.id === DUMMY_CONNECTION_ID) continue;
        const action = listing.stored.get(api.id)?.last_action;
        listing.seen.set(api.id, {
          id: api.id,
          fingerprint: definitionFingerprint(api),
          succeeded_at: api.succeeded_at ?? null,
          edited_at: action?.event === 'edit_connector' ? action.at : null,
        });
        if (api.config) listing.apiConfigs.set(api.id, api.config);
        await pool.add(async () => {
          const before = context.tally.connections_written;
          await saveFromApi(context, listing, api, observation);
          // A first sweep writes a lot: show it moving between pages too.
          if (context.tally.connections_written !== before && context.tally.connections_written % 100 === 0) {
            context.progress('connections');
          }
        });
      }
      context.tally.connections_seen = listing.seen.size;
      context.progress('connections');
      if (result.value.nextCursor !== null) ensureTime(context, 'listing connections');
    }
    await pool.drain();
    context.progress('connections');
  } catch (error) {
    await pool.settle();
    throw error;
  }
  return listing;
}
