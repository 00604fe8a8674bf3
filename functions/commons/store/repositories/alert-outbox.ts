import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { AccessPatterns, alertOutboxKey, indexEntry, keyPart } from '../table/keys.ts';
import { TTL_ATTRIBUTE } from '../table/table-definition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';
import { alertChannelFaults, type ChannelFaultRecord } from './alert-channel-faults.ts';
import {
  type AlertOutboxRecord,
  decodeAlertOutboxRecord,
  type NewAlertOutboxRecord,
} from './alert-outbox-record.ts';

export { alertOutboxRecordSchema, decodeAlertOutboxRecord } from './alert-outbox-record.ts';
export type { AlertOutboxRecord, ChannelFaultRecord, NewAlertOutboxRecord };

/**
 * The alert outbox in the table: one item per message and channel, stored before anyone sends it (the
 * alert core's `AlertOutbox` port, adapted by `alerts/table-alert-outbox.ts`, which reads the messages).
 * Pending items sit in two sparse listings: `alertsDue` (sort key: when the item may next be claimed) and
 * their lane's `alertLane` (sort key: `seq`), so a pass finds what is due, and whether each is the first of
 * its lane, in a few small queries. A claim is a conditional update that also moves the due sort key to the
 * lease end; finishing (sent, dead, cancelled) leaves both listings and sets the TTL.
 */
export const FINISHED_ALERT_TTL_DAYS = 30;
/** Due entries a claim reads at most: a backlog larger than this is served over several passes. */
const DUE_SCAN_LIMIT = 500;

export interface AlertOutboxRepository {
  /** Stores new items; a pending unclaimed one takes the newer message and due time; others are left alone. */
  enqueue(items: readonly NewAlertOutboxRecord[], now: Date): Promise<void>;
  /** Pending, unclaimed items become `cancelled`. */
  cancel(ids: readonly string[], now: Date): Promise<void>;
  /** Up to `limit` items due by `now`, each the first pending of its lane, leased until `now + leaseMs`. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<AlertOutboxRecord[]>;
  markDelivered(id: string, now: Date): Promise<void>;
  scheduleRetry(
    id: string,
    retry: { attempts: number; dueAt: Date; error: string },
    now: Date,
  ): Promise<void>;
  markDead(id: string, failure: { attempts: number; error: string }, now: Date): Promise<void>;
  /** The pending item that has waited longest past its due time (claimed ones count from their lease end). */
  oldestPending(): Promise<AlertOutboxRecord | null>;
  get(id: string): Promise<AlertOutboxRecord | null>;
  channelFault(channel: string): Promise<ChannelFaultRecord | null>;
  recordChannelFault(fault: ChannelFaultRecord): Promise<boolean>;
  clearChannelFault(channel: string): Promise<boolean>;
}

const iso = (date: Date) => date.toISOString();
const normalized = (instant: string) => {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? new Date(0).toISOString() : new Date(ms).toISOString();
};
const dueSortKey = (instant: string, id: string) => `${instant}#${keyPart(id, 300)}`;
const laneSortKey = (seq: string, id: string) => `${keyPart(seq, 100)}#${keyPart(id, 300)}`;

/** What finishing an item does to it: out of both listings, lease gone, expiring. */
function finishing(now: Date) {
  return {
    remove: 'REMOVE lease_until, gsi1pk, gsi1sk, gsi2pk, gsi2sk',
    expires: Math.floor(now.getTime() / 1000) + FINISHED_ALERT_TTL_DAYS * 86_400,
  };
}

export function alertOutboxRepository(table: TableRef): AlertOutboxRepository {
  const faults = alertChannelFaults(table);

  /** A conditional update that is a no-op when its condition fails (the item moved on meanwhile). */
  async function update(
    id: string,
    input: {
      expression: string;
      condition: string;
      names?: Record<string, string>;
      values: Record<string, unknown>;
      returnNew?: boolean;
    },
  ): Promise<StoredItem | null> {
    try {
      const { Attributes } = await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: alertOutboxKey(id),
          UpdateExpression: input.expression,
          ConditionExpression: input.condition,
          ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
          ExpressionAttributeValues: input.values,
          ...(input.returnNew ? { ReturnValues: 'ALL_NEW' } : {}),
        }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      throw error;
    }
  }

  const pendingUnclaimed =
    '#status = :pending AND (attribute_not_exists(lease_until) OR lease_until <= :now)';

  async function enqueueOne(item: NewAlertOutboxRecord, now: Date): Promise<void> {
    const due = indexEntry(AccessPatterns.alertsDue(), dueSortKey(normalized(item.due_at), item.id));
    const lane = indexEntry(AccessPatterns.alertLane(item.lane), laneSortKey(item.seq, item.id));
    // New: every field. Pending and unclaimed: the newer message and due time; lane, seq, attempts stay.
    await update(item.id, {
      expression: [
        'SET #status = :pending, kind = :kind, schema_version = :version, id = :id',
        'intent_key = :intent, channel = :channel, message = :message, due_at = :due, updated_at = :now',
        'lane = if_not_exists(lane, :lane), seq = if_not_exists(seq, :seq)',
        'attempts = if_not_exists(attempts, :zero), created_at = if_not_exists(created_at, :now)',
        'gsi1pk = :duePk, gsi1sk = :dueSk',
        'gsi2pk = if_not_exists(gsi2pk, :lanePk), gsi2sk = if_not_exists(gsi2sk, :laneSk)',
      ].join(', '),
      condition: `attribute_not_exists(pk) OR (${pendingUnclaimed})`,
      names: { '#status': 'status' },
      values: {
        ':pending': 'pending',
        ':kind': 'alert',
        ':version': SCHEMA_VERSION,
        ':id': item.id,
        ':intent': item.intent_key,
        ':channel': item.channel,
        ':message': item.message,
        ':due': normalized(item.due_at),
        ':now': iso(now),
        ':lane': item.lane,
        ':seq': item.seq,
        ':zero': 0,
        ':duePk': due.gsi1pk,
        ':dueSk': due.gsi1sk,
        ':lanePk': lane.gsi2pk,
        ':laneSk': lane.gsi2sk,
      },
    });
  }

  async function queryIndex(
    pattern: ReturnType<typeof AccessPatterns.alertsDue>,
    options: { before?: string; limit: number; start?: Record<string, unknown> },
  ) {
    const names: Record<string, string> = { '#pk': pattern.index.partitionKey };
    const values: Record<string, unknown> = { ':pk': pattern.partition };
    let condition = '#pk = :pk';
    if (options.before !== undefined) {
      names['#sk'] = pattern.index.sortKey;
      values[':before'] = options.before;
      condition += ' AND #sk < :before';
    }
    return table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: pattern.index.indexName,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
        Limit: options.limit,
        ...(options.start ? { ExclusiveStartKey: options.start } : {}),
      }),
    );
  }

  /** Pending items whose claim time has come, oldest first, at most `DUE_SCAN_LIMIT`. */
  async function dueCandidates(now: Date): Promise<AlertOutboxRecord[]> {
    const found: AlertOutboxRecord[] = [];
    // `#` sorts before every id character we write, `$` after it: everything due at or before `now`.
    const before = `${iso(now)}$`;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await queryIndex(AccessPatterns.alertsDue(), {
        before,
        limit: DUE_SCAN_LIMIT - found.length,
        ...(start ? { start } : {}),
      });
      for (const item of page.Items ?? []) {
        const decoded = decodeAlertOutboxRecord(item);
        if (decoded) found.push(decoded);
      }
      start = page.LastEvaluatedKey;
    } while (start && found.length < DUE_SCAN_LIMIT);
    return found;
  }

  /** The first pending item of a lane (claimed or not, due or not): only it may be sent. */
  async function laneHead(lane: string): Promise<AlertOutboxRecord | null> {
    const page = await queryIndex(AccessPatterns.alertLane(lane), { limit: 1 });
    const item = page.Items?.[0];
    return item ? decodeAlertOutboxRecord(item) : null;
  }

  async function claim(item: AlertOutboxRecord, now: Date, leaseMs: number) {
    const leaseUntil = iso(new Date(now.getTime() + leaseMs));
    const attributes = await update(item.id, {
      expression: 'SET lease_until = :lease, gsi1sk = :dueSk, updated_at = :now',
      condition: `attribute_exists(pk) AND due_at <= :now AND ${pendingUnclaimed}`,
      names: { '#status': 'status' },
      values: {
        ':lease': leaseUntil,
        ':dueSk': dueSortKey(leaseUntil, item.id),
        ':now': iso(now),
        ':pending': 'pending',
      },
      returnNew: true,
    });
    return attributes ? decodeAlertOutboxRecord(attributes) : null;
  }

  const leased = (item: AlertOutboxRecord, now: Date) =>
    item.lease_until !== null && Date.parse(item.lease_until) > now.getTime();

  return {
    async enqueue(items, now) {
      for (const item of items) await enqueueOne(item, now);
    },

    async cancel(ids, now) {
      const { remove, expires } = finishing(now);
      for (const id of ids) {
        await update(id, {
          expression: `SET #status = :cancelled, updated_at = :now, ${TTL_ATTRIBUTE} = :expires ${remove}`,
          condition: `attribute_exists(pk) AND ${pendingUnclaimed}`,
          names: { '#status': 'status' },
          values: { ':cancelled': 'cancelled', ':pending': 'pending', ':now': iso(now), ':expires': expires },
        });
      }
    },

    async claimDue(now, limit, leaseMs) {
      const heads = new Map<string, AlertOutboxRecord | null>();
      for (const candidate of await dueCandidates(now)) {
        if (heads.has(candidate.lane)) continue;
        const head = await laneHead(candidate.lane);
        const ready = head !== null && head.status === 'pending' && Date.parse(head.due_at) <= now.getTime();
        heads.set(candidate.lane, ready && !leased(head, now) ? head : null);
      }
      const ready = [...heads.values()]
        .filter((head): head is AlertOutboxRecord => head !== null)
        .sort((a, b) => a.seq.localeCompare(b.seq) || a.id.localeCompare(b.id));
      const claimed: AlertOutboxRecord[] = [];
      for (const item of ready) {
        if (claimed.length >= limit) break;
        const taken = await claim(item, now, leaseMs);
        if (taken) claimed.push(taken);
      }
      return claimed;
    },

    async markDelivered(id, now) {
      const { remove, expires } = finishing(now);
      await update(id, {
        expression: `SET #status = :delivered, delivered_at = :now, updated_at = :now, last_error = :null, ${TTL_ATTRIBUTE} = :expires ${remove}`,
        condition: 'attribute_exists(pk)',
        names: { '#status': 'status' },
        values: { ':delivered': 'delivered', ':now': iso(now), ':null': null, ':expires': expires },
      });
    },

    async scheduleRetry(id, retry, now) {
      const dueAt = iso(retry.dueAt);
      await update(id, {
        expression:
          'SET attempts = :attempts, due_at = :due, gsi1sk = :dueSk, last_error = :error, updated_at = :now REMOVE lease_until',
        condition: 'attribute_exists(pk) AND #status = :pending',
        names: { '#status': 'status' },
        values: {
          ':attempts': retry.attempts,
          ':due': dueAt,
          ':dueSk': dueSortKey(dueAt, id),
          ':error': retry.error.slice(0, 300),
          ':now': iso(now),
          ':pending': 'pending',
        },
      });
    },

    async markDead(id, failure, now) {
      const { remove, expires } = finishing(now);
      await update(id, {
        expression: `SET #status = :dead, attempts = :attempts, last_error = :error, updated_at = :now, ${TTL_ATTRIBUTE} = :expires ${remove}`,
        condition: 'attribute_exists(pk)',
        names: { '#status': 'status' },
        values: {
          ':dead': 'dead',
          ':attempts': failure.attempts,
          ':error': failure.error.slice(0, 300),
          ':now': iso(now),
          ':expires': expires,
        },
      });
    },

    async oldestPending() {
      const page = await queryIndex(AccessPatterns.alertsDue(), { limit: 1 });
      const item = page.Items?.[0];
      return item ? decodeAlertOutboxRecord(item) : null;
    },

    async get(id) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: alertOutboxKey(id), ConsistentRead: true }),
      );
      return Item ? decodeAlertOutboxRecord(Item) : null;
    },

    ...faults,
  };
}
