import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { SWEEP_LEASE_KEY } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';

/**
 * The one-sweep-at-a-time lease: taken with a conditional write (absent, or expired by its own
 * `lease_expires_ms`, never by the TTL attribute, which is only garbage collection).
 */
export interface SweepLease {
  readonly sweep_id: string;
  readonly acquired_at: string;
  readonly lease_expires_at: string;
  readonly lease_expires_ms: number;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function decodeLease(item: Record<string, unknown> | undefined): SweepLease | null {
  const sweepId = str(item?.sweep_id);
  const expiresMs = item?.lease_expires_ms;
  if (!item || sweepId === null || typeof expiresMs !== 'number') return null;
  return {
    sweep_id: sweepId,
    acquired_at: str(item.acquired_at) ?? '',
    lease_expires_at: str(item.lease_expires_at) ?? new Date(expiresMs).toISOString(),
    lease_expires_ms: expiresMs,
  };
}

async function readLease(table: TableRef): Promise<SweepLease | null> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: SWEEP_LEASE_KEY, ConsistentRead: true }),
  );
  return decodeLease(Item);
}

export type LeaseAttempt =
  /** `abandoned`: the expired lease this one replaced; its sweep never finished. */
  | { readonly acquired: true; readonly lease: SweepLease; readonly abandoned: SweepLease | null }
  | { readonly acquired: false; readonly holder: SweepLease };

/**
 * Takes the one-sweep-at-a-time lease: a conditional write on exactly the state just read (absent, or the
 * same expired lease), so of two sweeps racing for it one wins and the other is told who holds it.
 */
async function acquireSweepLease(
  table: TableRef,
  request: { readonly sweepId: string; readonly nowMs: number; readonly durationMs: number },
): Promise<LeaseAttempt> {
  const { sweepId, nowMs, durationMs } = request;
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await readLease(table);
    if (current !== null && current.lease_expires_ms > nowMs) return { acquired: false, holder: current };
    const expiresMs = nowMs + durationMs;
    const lease: SweepLease = {
      sweep_id: sweepId,
      acquired_at: new Date(nowMs).toISOString(),
      lease_expires_at: new Date(expiresMs).toISOString(),
      lease_expires_ms: expiresMs,
    };
    try {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...lease, ...SWEEP_LEASE_KEY, kind: 'sweep_lease', schema_version: SCHEMA_VERSION },
          ...(current === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'sweep_id = :previous AND lease_expires_ms = :expires',
                ExpressionAttributeValues: {
                  ':previous': current.sweep_id,
                  ':expires': current.lease_expires_ms,
                },
              }),
        }),
      );
      return { acquired: true, lease, abandoned: current };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Someone else changed the lease between our read and write: read again and decide again.
    }
  }
  const holder = await readLease(table);
  if (holder === null) throw new Error('the sweep lease kept changing; try again');
  return { acquired: false, holder };
}

async function releaseSweepLease(table: TableRef, sweepId: string): Promise<void> {
  try {
    await table.client.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: SWEEP_LEASE_KEY,
        ConditionExpression: 'sweep_id = :id',
        ExpressionAttributeValues: { ':id': sweepId },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

export interface SweepLeaseRepository {
  /** The lease as stored, expired or not. */
  read(): Promise<SweepLease | null>;
  /** The lease a sweep holds right now, or null when none does (absent, or expired by its own expiry). */
  readActive(nowMs: number): Promise<SweepLease | null>;
  acquire(request: {
    readonly sweepId: string;
    readonly nowMs: number;
    readonly durationMs: number;
  }): Promise<LeaseAttempt>;
  /** Gives the lease back, only if this sweep still holds it. */
  release(sweepId: string): Promise<void>;
}

export function sweepLeaseRepository(table: TableRef): SweepLeaseRepository {
  return {
    read: () => readLease(table),
    async readActive(nowMs) {
      const lease = await readLease(table);
      return lease !== null && lease.lease_expires_ms > nowMs ? lease : null;
    },
    acquire: (request) => acquireSweepLease(table, request),
    release: (sweepId) => releaseSweepLease(table, sweepId),
  };
}
