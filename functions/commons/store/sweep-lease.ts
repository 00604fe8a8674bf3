import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SWEEP_LEASE_KEY } from './keys.ts';
import { isConditionalCheckFailed } from './store-errors.ts';
import { type SweepLease, sweepLeaseItem } from './sweep-items.ts';
import type { TableRef } from './table-ref.ts';

export type { SweepLease } from './sweep-items.ts';

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

export async function readLease(table: TableRef): Promise<SweepLease | null> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: SWEEP_LEASE_KEY, ConsistentRead: true }),
  );
  return decodeLease(Item);
}

/** The lease a sweep holds right now, or null when none does (absent, or expired by its own expiry). */
export async function readActiveLease(
  table: TableRef,
  nowMs: number = Date.now(),
): Promise<SweepLease | null> {
  const lease = await readLease(table);
  return lease !== null && lease.lease_expires_ms > nowMs ? lease : null;
}

export type LeaseAttempt =
  /** `abandoned`: the expired lease this one replaced; its sweep never finished. */
  | { readonly acquired: true; readonly lease: SweepLease; readonly abandoned: SweepLease | null }
  | { readonly acquired: false; readonly holder: SweepLease };

/**
 * Takes the one-sweep-at-a-time lease: a conditional write on exactly the state just read (absent, or the
 * same expired lease), so of two sweeps racing for it one wins and the other is told who holds it.
 */
export async function acquireSweepLease(
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
          Item: sweepLeaseItem(lease),
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

/** Gives the lease back, only if this sweep still holds it. */
export async function releaseSweepLease(table: TableRef, sweepId: string): Promise<void> {
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
