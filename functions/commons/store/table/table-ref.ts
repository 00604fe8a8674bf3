import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where a small store module reads and writes: the document client and the table's name. */
export interface TableRef {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}
