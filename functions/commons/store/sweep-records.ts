import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sweepKey } from './keys.ts';
import { isConditionalCheckFailed } from './store-errors.ts';
import { type SweepRecord, sweepRecordItem } from './sweep-items.ts';
import type { TableRef } from './table-ref.ts';

/** Writes a sweep record: `running` at the start, final at the end (same item). */
export async function putSweepRecord(table: TableRef, record: SweepRecord): Promise<void> {
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: sweepRecordItem(record) }));
}

/**
 * Records an abandoned sweep (its lease expired while it was still `running`) as `failed`. Conditional on
 * it still being `running`, so a sweep that did finish late keeps its own outcome. Returns whether it wrote.
 */
export async function failAbandonedSweep(
  table: TableRef,
  sweepId: string,
  finishedAt: string,
  error: string,
): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: sweepKey(sweepId),
        UpdateExpression: 'SET outcome = :failed, finished_at = :at, #error = :error',
        ConditionExpression: 'outcome = :running',
        ExpressionAttributeNames: { '#error': 'error' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':running': 'running',
          ':at': finishedAt,
          ':error': error,
        },
      }),
    );
    return true;
  } catch (failure) {
    if (isConditionalCheckFailed(failure)) return false;
    throw failure;
  }
}
