import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DestinationTable } from '../../tables/table-item.ts';
import { AccessPatterns } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';
import { decodeTable } from './table-items.ts';
import type { TableRepository } from './tables.ts';

/**
 * Only the bounded read the webhook's lineage observer makes: the webhook function then carries no table
 * write or delete it never sends.
 */
export function tableLineageReader(table: TableRef): Pick<TableRepository, 'readEnabled'> {
  return {
    async readEnabled(connectionId, maxQueries) {
      const pattern = AccessPatterns.tablesOf(connectionId);
      const found: DestinationTable[] = [];
      let start: Record<string, unknown> | undefined;
      for (let query = 0; query < maxQueries; query++) {
        const result = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: pattern.index.indexName,
            KeyConditionExpression: '#p = :p',
            FilterExpression: '#enabled = :true',
            ExpressionAttributeNames: { '#p': pattern.index.partitionKey, '#enabled': 'enabled' },
            ExpressionAttributeValues: { ':p': pattern.partition, ':true': true },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of result.Items ?? []) found.push(decodeTable(item));
        start = result.LastEvaluatedKey;
        if (!start) return { tables: found, complete: true };
      }
      return { tables: found, complete: false };
    },
  };
}
