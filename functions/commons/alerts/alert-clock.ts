import type { Connection } from '../connection/connection.ts';
import type { ConnectionRepository } from '../store/repositories/connections.ts';
import type { GroupRecord } from '../store/repositories/groups.ts';
import { configuredChannels } from './alert-channels.ts';
import { type AlertConfig, hasAlertChannels } from './alert-config.ts';
import type { AlertIntent } from './alert-intent.ts';
import type { AlertHealth } from './alert-model.ts';
import { type AlertOutbox, outboxItemsFor } from './alert-outbox.ts';
import {
  type ConnectionSnapshot,
  nextDigestAt,
  planDigest,
  planPausedReminders,
} from './scheduled-alerts.ts';

/**
 * The alerts the clock sends (not a change): the daily digest and the reminders for pauses that outlasted
 * `ALERT_PAUSED_HOURS`. Run on every alert pass; both are keyed so that running often sends each once: the
 * digest by its date, a reminder by the pause it is about.
 */
export type SnapshotSource = (
  health: Extract<AlertHealth, 'failing' | 'delayed' | 'paused'>,
) => Promise<ConnectionSnapshot[]>;

export interface AlertClockDeps {
  readonly snapshots: SnapshotSource;
  readonly outbox: AlertOutbox;
  readonly config: AlertConfig;
  readonly now?: () => Date;
  /** How late a pass may still send the day's digest (a pass missed at 09:00 sends it at 09:05). */
  readonly digestGraceMinutes?: number;
}

export interface AlertClockReport {
  /** The digest date enqueued this pass, or null. */
  readonly digest: string | null;
  readonly pausedReminders: number;
}

export const DEFAULT_DIGEST_GRACE_MINUTES = 60;
/** Connections of one health the clock reads at most. */
export const SNAPSHOT_LIMIT = 2_000;

async function enqueueIntents(
  outbox: AlertOutbox,
  intents: readonly AlertIntent[],
  config: AlertConfig,
  now: Date,
) {
  const channels = configuredChannels(config.channels);
  const items = intents.flatMap((intent) => outboxItemsFor(intent, channels));
  if (items.length > 0) await outbox.enqueue(items, now);
}

export async function runAlertClock(deps: AlertClockDeps): Promise<AlertClockReport> {
  const now = (deps.now ?? (() => new Date()))();
  const { config } = deps;
  let digest: string | null = null;
  let pausedReminders = 0;
  if (!hasAlertChannels(config)) return { digest, pausedReminders };

  if (config.digest) {
    const graceMs = (deps.digestGraceMinutes ?? DEFAULT_DIGEST_GRACE_MINUTES) * 60_000;
    const scheduled = nextDigestAt(config.digest, new Date(now.getTime() - graceMs));
    if (scheduled.getTime() <= now.getTime()) {
      const unhealthy = [...(await deps.snapshots('failing')), ...(await deps.snapshots('delayed'))];
      // Keyed by the scheduled instant's date, so a pass just after midnight cannot send a second one.
      const intent = planDigest(unhealthy, scheduled, config.digest, config);
      await enqueueIntents(deps.outbox, [intent], config, now);
      digest = intent.key.slice('digest:'.length);
    }
  }
  if (config.pausedHours !== null) {
    const reminders = planPausedReminders(await deps.snapshots('paused'), now, config);
    await enqueueIntents(deps.outbox, reminders, config, now);
    pausedReminders = reminders.length;
  }
  return { digest, pausedReminders };
}

/** A connection as the clock's alerts name it. */
export function connectionSnapshot(
  connection: Connection,
  groups: ReadonlyMap<string, GroupRecord>,
): ConnectionSnapshot {
  const group = connection.group_id ? groups.get(connection.group_id) : undefined;
  return {
    connection: {
      id: connection.id,
      schema: connection.schema,
      service: connection.service,
      group_id: connection.group_id,
      group_name: group?.name ?? null,
      destination_service: group?.destination?.service ?? null,
    },
    health: connection.health,
    health_reason: connection.health_reason,
  };
}

/** Live connections of one health from the table, page by page, at most `SNAPSHOT_LIMIT`. */
export function tableSnapshots(
  connections: ConnectionRepository,
  groups: () => Promise<ReadonlyMap<string, GroupRecord>>,
): SnapshotSource {
  return async (health) => {
    const found: Connection[] = [];
    let cursor: string | null = null;
    do {
      const page = await connections.list(
        { health, deleted: 'false' },
        { limit: Math.min(1_000, SNAPSHOT_LIMIT - found.length), cursor },
      );
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null && found.length < SNAPSHOT_LIMIT);
    if (found.length === 0) return [];
    const byId = await groups();
    return found.map((connection) => connectionSnapshot(connection, byId));
  };
}
