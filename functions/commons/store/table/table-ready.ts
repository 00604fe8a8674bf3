import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Waits until a just-created table is ACTIVE. dynalite answers CreateTable at once but keeps the table
 * CREATING for a moment (a timer and a LevelDB write), and a request in between fails with
 * ResourceNotFoundException: a fresh DATA_DIR must not turn the first sweep or webhook into an error.
 */
export async function waitForActiveTable(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await delay(10);
  }
}
