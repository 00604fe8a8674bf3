import { applyEvent, eventConnectionId } from '../connection/apply-event.ts';
import type { Connection } from '../connection/connection.ts';
import { applyEventToSyncRun, type SyncRun } from '../connection/sync-run.ts';
import { BoundedCache } from '../lib/bounded-cache.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { usableId } from '../lib/usable-id.ts';
import type { IngestRepositories } from '../store/repositories.ts';
import { ItemTooLargeError } from '../store/table/item-size.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import { eventAsApplied, storedEventOf } from './bounded-event.ts';
import type { ConnectionWriter } from './connection-writer.ts';

export interface RecordedEvent {
  /** The event was already stored (its updates were re-applied all the same). */
  readonly duplicate: boolean;
  /** The connection after the event, or null for account-level and dummy events. */
  readonly connection: Connection | null;
  /** Set when the event item could not be stored for its content: the body was quarantined, with why. */
  readonly quarantined?: string;
}

/** What the webhook path keeps: events exactly once, unreadable signed bodies raw, probes counted. */
export interface EventRecorder {
  /** Keeps the event once (conditional put), then applies it to its sync run and connection. */
  recordEvent(event: FivetranEvent, id: string, body: Uint8Array): Promise<RecordedEvent>;
  /** Keeps an unreadable signed body as it came, counted once. */
  recordQuarantine(input: { id: string; reason: string; body: Uint8Array }): Promise<{ duplicate: boolean }>;
  /** Counts an answered creation probe (nothing stored): in memory, written at most once a minute. */
  recordProbe(): Promise<void>;
}

const utf8 = new TextDecoder('utf-8');
const LAST_WEBHOOK_EVERY_MS = 60_000;
const KNOWN_RUNS = 2_000;

/**
 * Told about every recorded event after its run and connection were written (also for a duplicate, which
 * re-applies them): how lineage and other outboxes enqueue their own items, idempotently keyed so that a
 * redelivery adds nothing. A failing observer fails the delivery (503), so Fivetran's retry brings it back.
 */
export interface EventObserver {
  onRecorded(recorded: {
    readonly event: FivetranEvent;
    readonly eventId: string;
    readonly duplicate: boolean;
    /** The run after this event's write, or null when the event changed no run (a duplicate, an older end). */
    readonly run: SyncRun | null;
    readonly connection: Connection | null;
  }): Promise<void>;
}

/** Answered creation probes reach the table at most this often per process. */
export const PROBE_FLUSH_INTERVAL_MS = 60_000;

/** `work`'s answer, or `fallback` when what it writes can never fit an item (any other failure is thrown). */
async function unlessTooLarge<T, F>(work: Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ItemTooLargeError) return fallback;
    throw error;
  }
}

export function eventRecorder(deps: {
  readonly repositories: IngestRepositories;
  readonly writer: ConnectionWriter;
  readonly now?: () => number;
  readonly observers?: readonly EventObserver[];
}): EventRecorder {
  const { repositories: repos, writer } = deps;
  const now = deps.now ?? Date.now;

  /**
   * `last_webhook_at` is written at most once a minute per process: a "last seen" time needs no more (the
   * silence alarm counts hours), and the event's own path stays at its own writes.
   */
  let lastTouchedMs = Number.NEGATIVE_INFINITY;
  async function touchLastWebhook(ms: number): Promise<void> {
    if (Math.abs(ms - lastTouchedMs) < LAST_WEBHOOK_EVERY_MS) return;
    lastTouchedMs = ms;
    await repos.accountStats.touchLastWebhook(ms);
  }

  /**
   * The creation probe is unsigned, so anyone can send it: it is counted here and the count written at most
   * once a minute per process (the first at once), never a table write per request. A process that stops
   * loses at most its last minute of probes, which only ever feed a counter.
   */
  let probesPending = 0;
  let probesFlushedMs = Number.NEGATIVE_INFINITY;

  /** The newest run state this process wrote, per sync: a redelivery it already reflects costs no request. */
  const knownRuns = new BoundedCache<string, SyncRun>(KNOWN_RUNS);

  async function applyToSyncRun(event: FivetranEvent, connectionId: string): Promise<SyncRun | null> {
    const syncId = usableId(event.syncId);
    if (syncId === null || (event.event !== 'sync_start' && event.event !== 'sync_end')) return null;
    const key = `${connectionId}#${syncId}`;
    const known = knownRuns.get(key);
    // A run only moves forward (earliest start, newest end), so the store's copy is at least as far as ours:
    // an event ours already reflects changes nothing there either.
    if (known && canonicalJson(applyEventToSyncRun(known, event, connectionId)) === canonicalJson(known)) {
      return null;
    }
    const after = await repos.syncRuns.applyEvent(connectionId, syncId, event);
    if (after !== null) knownRuns.set(key, after);
    return after;
  }

  async function keepQuarantined(input: {
    id: string;
    reason: string;
    body: Uint8Array;
  }): Promise<{ duplicate: boolean }> {
    const { id, reason, body } = input;
    const ms = now();
    const quarantined = {
      id,
      reason,
      body_base64: Buffer.from(body).toString('base64'),
      size: body.byteLength,
      received_at: new Date(ms).toISOString(),
    };
    let created: boolean;
    try {
      created = await repos.quarantine.putOnce(quarantined);
    } catch (error) {
      // Only a body past the webhook limit gets here (the recorder called directly): keep why, not the bytes.
      if (!(error instanceof ItemTooLargeError)) throw error;
      created = await repos.quarantine.putOnce({
        ...quarantined,
        reason: `${reason}; the body (${body.byteLength} bytes) is too large to keep`,
        body_base64: '',
      });
    }
    // Count, then mark counted: a crash in between over-counts by one on the retry, never under-counts.
    const counted = !created && (await repos.quarantine.isCounted(id));
    if (!counted) {
      await repos.accountStats.increment('events_quarantined');
      await repos.quarantine.markCounted(id);
    }
    await touchLastWebhook(ms);
    return { duplicate: !created };
  }

  return {
    async recordEvent(event, id, body) {
      const ms = now();
      const nowIso = new Date(ms).toISOString();
      const connectionId = eventConnectionId(event);
      const applied = eventAsApplied(event, ms);
      // 1. The event itself, exactly once: everything after it is idempotent and re-run on a duplicate.
      let created: boolean;
      try {
        created = await repos.events.putOnce(
          storedEventOf(event, { id, receivedAt: nowIso, body: utf8.decode(body) }),
          { sortMs: applied.createdAtMs ?? ms, connectionId },
        );
      } catch (error) {
        // Signed, so Fivetran would retry it for a day: kept raw instead, with the reason, never a 503.
        if (!(error instanceof ItemTooLargeError)) throw error;
        const kept = await keepQuarantined({ id, reason: error.message, body });
        return { duplicate: kept.duplicate, connection: null, quarantined: error.message };
      }
      let connection: Connection | null = null;
      let run: SyncRun | null = null;
      if (connectionId !== null) {
        // 2. Its sync run and 3. its connection, side by side: each merges the event on its own, so neither
        // waits for the other (one conditional request each when this process knows the items). An update
        // that can never be stored is left out (the event is kept): it must not make Fivetran retry forever.
        const [after, saved] = await Promise.all([
          unlessTooLarge(applyToSyncRun(applied, connectionId), null),
          unlessTooLarge(
            writer.save(connectionId, (current) => {
              const result = applyEvent(current, applied, { nowIso });
              return result?.changed ? result.connection : null;
            }),
            { after: null },
          ),
        ]);
        run = after;
        connection = saved.after;
      }
      for (const observer of deps.observers ?? []) {
        await observer.onRecorded({ event, eventId: id, duplicate: !created, run, connection });
      }
      await touchLastWebhook(ms);
      return { duplicate: !created, connection };
    },

    recordQuarantine: keepQuarantined,

    async recordProbe() {
      probesPending++;
      const ms = now();
      if (ms - probesFlushedMs < PROBE_FLUSH_INTERVAL_MS) return;
      probesFlushedMs = ms;
      const count = probesPending;
      probesPending = 0;
      try {
        await repos.accountStats.increment('probes_answered', count);
      } catch (error) {
        probesPending += count;
        throw error;
      }
    },
  };
}
