import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one table definition: local mode and the tests create it with `createTableInput`, the CDK stack
 * builds its `TableV2` from the same constants. Change the shape here and both follow.
 *
 * Single-table design (all keys are strings):
 * - `pk`/`sk`: the item's home (see `keys.ts` for every item kind).
 * - `gsi1`: listings by kind, in a stable order (all connections, all events newest first, sweeps, groups).
 * - `gsi2`: narrower listings (connections by health, a connection's sync runs and events by time).
 * - `gsi3`: connections by group, so a group's connections are read without touching the others; destination
 *   tables by name ("who feeds `stripe.charge`").
 * TTL (`expires_at`, epoch seconds) is enabled by the stack; dynalite rejects UpdateTimeToLive, so local
 * mode skips it and reads check expiry themselves.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'expires_at';

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const GLOBAL_INDEXES: readonly GlobalIndexDefinition[] = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
];

export function createTableInput(tableName: string): CreateTableCommandInput {
  const keyNames = [PARTITION_KEY, SORT_KEY, ...GLOBAL_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
