import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { AccessPattern } from './keys.ts';
import type { TableRef } from './table-ref.ts';
import type { StoredItem } from './versioned-update.ts';

/**
 * Every item of one listing, page by page (1 MB each): how the sweep reads what it compares with (all
 * connections, groups, schema freshness) in a handful of queries, never a scan of the table. `attributes`
 * limits what comes back (a projection), when the caller needs only a few.
 */
export async function* queryPartition(
  table: TableRef,
  pattern: AccessPattern,
  options: { readonly attributes?: readonly string[] } = {},
): AsyncGenerator<StoredItem[]> {
  const names: Record<string, string> = { '#partition': pattern.index.partitionKey };
  options.attributes?.forEach((attribute, i) => {
    names[`#a${i}`] = attribute;
  });
  const pages = paginateQuery(
    { client: table.client },
    {
      TableName: table.tableName,
      IndexName: pattern.index.indexName,
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':partition': pattern.partition },
      ...(options.attributes
        ? { ProjectionExpression: options.attributes.map((_, i) => `#a${i}`).join(', ') }
        : {}),
    },
  );
  for await (const page of pages) yield page.Items ?? [];
}
