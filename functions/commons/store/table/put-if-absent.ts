import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './errors.ts';
import { asItemTooLarge, assertItemFits } from './item-size.ts';
import type { TableRef } from './table-ref.ts';
import type { StoredItem } from './versioned-update.ts';

/** Writes an item only if none has its key: what makes storage exactly-once. False when one already existed. */
export async function putIfAbsent(table: TableRef, item: StoredItem): Promise<boolean> {
  assertItemFits(item, `item ${String(item.pk)}`);
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw asItemTooLarge(error, `item ${String(item.pk)}`);
  }
}
