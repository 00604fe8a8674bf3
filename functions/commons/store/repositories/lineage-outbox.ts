import { randomUUID } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import {
  type DeliveryFailure,
  type LineageOutbox,
  type LineageOutboxItem,
  lineageOutboxItemSchema,
  type OutboxClaim,
} from '../../lineage/outbox.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { type AccessPattern, AccessPatterns, indexEntry, lineageEventKey } from '../table/keys.ts';
import { putIfAbsent } from '../table/put-if-absent.ts';
import type { Retention } from '../table/retention.ts';
import { TTL_ATTRIBUTE } from '../table/table-definition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const dueKey = (nextAttemptAt: string, id: string) => `${nextAttemptAt}#${id}`;
const MAX_ERROR_LENGTH = 500;

/** A pending event: listed as due (by next attempt) and as undelivered (by creation). */
export function lineageEventItem(item: LineageOutboxItem): StoredItem {
  return {
    ...item,
    ...lineageEventKey(item.id),
    kind: 'lineage_event',
    ...indexEntry(AccessPatterns.lineageUndelivered(), `${item.created_at}#${item.id}`),
    ...indexEntry(AccessPatterns.lineageDue(), dueKey(item.next_attempt_at, item.id)),
    schema_version: SCHEMA_VERSION,
  };
}

/** The outbox on the table: the same contract as `MemoryLineageOutbox`, shared by every deliverer. */
export interface LineageOutboxRepository extends LineageOutbox {}

/** What a deliverer uses: everything but `enqueue` (its function may then not put items at all). */
export type LineageOutboxDelivery = Omit<LineageOutbox, 'enqueue'>;

export function lineageOutboxRepository(
  table: TableRef,
  options: { readonly retention: Retention },
): LineageOutboxRepository {
  return {
    // Conditional: a redelivered webhook (same run, same state, same id) adds nothing.
    enqueue: (item) => putIfAbsent(table, lineageEventItem(item)),
    ...lineageOutboxDelivery(table, options),
  };
}

export function lineageOutboxDelivery(
  table: TableRef,
  options: { readonly retention: Retention },
): LineageOutboxDelivery {
  const due = AccessPatterns.lineageDue();
  const undelivered = AccessPatterns.lineageUndelivered();

  async function query(pattern: AccessPattern, upTo: string | null, limit: number) {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: pattern.index.indexName,
        KeyConditionExpression: `#p = :p${upTo === null ? '' : ' AND #s <= :upTo'}`,
        ExpressionAttributeNames: {
          '#p': pattern.index.partitionKey,
          ...(upTo === null ? {} : { '#s': pattern.index.sortKey }),
        },
        ExpressionAttributeValues: { ':p': pattern.partition, ...(upTo === null ? {} : { ':upTo': upTo }) },
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return result.Items ?? [];
  }

  /**
   * One conditional update under the claim's lease: a settle from a claim that expired and was re-taken
   * changes nothing (false), exactly as in memory.
   */
  async function settle(
    claim: OutboxClaim,
    set: Record<string, unknown>,
    extra: { readonly remove?: readonly string[]; readonly addAttempt?: boolean } = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#lease': 'lease_token' };
    const values: Record<string, unknown> = { ':pending': 'pending', ':token': claim.token, ':null': null };
    const assignments = ['#lease = :null'];
    Object.entries(set).forEach(([attribute, value], i) => {
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = value;
      assignments.push(`#a${i} = :a${i}`);
    });
    if (extra.addAttempt) {
      names['#attempts'] = 'attempts';
      values[':one'] = 1;
      assignments.push('#attempts = #attempts + :one');
    }
    const removals = (extra.remove ?? []).map((attribute, i) => {
      names[`#r${i}`] = attribute;
      return `#r${i}`;
    });
    try {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: lineageEventKey(claim.item.id),
          UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
          ConditionExpression: '#status = :pending AND #lease = :token',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  const failureFields = (failure: DeliveryFailure) => ({
    last_error: failure.error.slice(0, MAX_ERROR_LENGTH),
    last_status: failure.status,
  });
  const index = (pattern: AccessPattern) => [pattern.index.partitionKey, pattern.index.sortKey];

  return {
    async claimDue(nowMs, limit, leaseMs) {
      if (limit <= 0) return [];
      const found = await query(due, dueKey(iso(nowMs), '\uffff'), limit);
      const claims: OutboxClaim[] = [];
      for (const stored of found) {
        const parsed = lineageOutboxItemSchema.safeParse(stored);
        const token = randomUUID();
        const leaseEnd = iso(nowMs + leaseMs);
        if (!parsed.success) {
          // Written by this code, so never expected: kept (dead, still alarmed on) rather than retried forever.
          await table.client.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: { pk: String(stored.pk), sk: String(stored.sk) },
              UpdateExpression: 'SET #status = :dead, #error = :error REMOVE #dp, #ds',
              ExpressionAttributeNames: {
                '#status': 'status',
                '#error': 'last_error',
                '#dp': due.index.partitionKey,
                '#ds': due.index.sortKey,
              },
              ExpressionAttributeValues: { ':dead': 'dead', ':error': 'the stored event is unreadable' },
            }),
          );
          continue;
        }
        const item = parsed.data;
        try {
          await table.client.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: lineageEventKey(item.id),
              UpdateExpression: 'SET #lease = :token, #next = :leaseEnd, #dueSort = :dueSort',
              ConditionExpression: '#status = :pending AND #next = :seen',
              ExpressionAttributeNames: {
                '#lease': 'lease_token',
                '#next': 'next_attempt_at',
                '#dueSort': due.index.sortKey,
                '#status': 'status',
              },
              ExpressionAttributeValues: {
                ':token': token,
                ':leaseEnd': leaseEnd,
                ':dueSort': dueKey(leaseEnd, item.id),
                ':pending': 'pending',
                ':seen': item.next_attempt_at,
              },
            }),
          );
        } catch (error) {
          if (isConditionalCheckFailed(error)) continue; // another deliverer took it first
          throw error;
        }
        claims.push({ item: { ...item, lease_token: token, next_attempt_at: leaseEnd }, token });
      }
      return claims;
    },

    markDelivered(claim, nowMs) {
      const expiresAt = options.retention.expiresAt(nowMs);
      return settle(
        claim,
        { status: 'delivered', delivered_at: iso(nowMs), [TTL_ATTRIBUTE]: expiresAt },
        { remove: [...index(due), ...index(undelivered)] },
      );
    },

    markRetry(claim, retryAtMs, failure) {
      const next = iso(retryAtMs);
      return settle(
        claim,
        {
          next_attempt_at: next,
          [due.index.sortKey]: dueKey(next, claim.item.id),
          ...(failure ? failureFields(failure) : {}),
        },
        { addAttempt: failure !== null },
      );
    },

    markDead(claim, nowMs, failure) {
      return settle(
        claim,
        { status: 'dead', next_attempt_at: iso(nowMs), ...failureFields(failure) },
        { remove: index(due), addAttempt: true },
      );
    },

    async oldestUndelivered() {
      const [oldest] = await query(undelivered, null, 1);
      return typeof oldest?.created_at === 'string' ? oldest.created_at : null;
    },
  };
}
