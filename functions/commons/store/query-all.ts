import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { indexNamed } from './query-page.ts';
import type { TableRef } from './table-ref.ts';
import type { StoredItem } from './versioned-update.ts';

/**
 * Every item of one index partition, page by page (1 MB each): how the sweep reads what it compares with
 * (all connections, groups, schema freshness) in a handful of queries, never a scan of the table.
 * `attributes` limits what comes back (a projection), when the caller needs only a few.
 */
export async function* queryPartition(
  table: TableRef,
  query: { readonly index: string; readonly partition: string; readonly attributes?: readonly string[] },
): AsyncGenerator<StoredItem[]> {
  const index = indexNamed(query.index);
  const names: Record<string, string> = { '#partition': index.partitionKey };
  query.attributes?.forEach((attribute, i) => {
    names[`#a${i}`] = attribute;
  });
  let start: Record<string, unknown> | undefined;
  do {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#partition = :partition',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':partition': query.partition },
        ...(query.attributes
          ? { ProjectionExpression: query.attributes.map((_, i) => `#a${i}`).join(', ') }
          : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield result.Items ?? [];
    start = result.LastEvaluatedKey;
  } while (start !== undefined);
}
