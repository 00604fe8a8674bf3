import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { createTableInput } from '#commons/store/table/table-definition';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import type { TableRef } from '#commons/store/table/table-ref';

/** One dynalite (in memory) per test file, and a fresh table of the project's shape on each call. */
export async function startFreshTables() {
  const dynamo: LocalDynamo = await startLocalDynamo();
  let count = 0;
  return {
    dynamo,
    async table(): Promise<TableRef> {
      count += 1;
      const tableName = `fresh-${count}`;
      await dynamo.client.send(new CreateTableCommand(createTableInput(tableName)));
      await waitForActiveTable(dynamo.client, tableName);
      return { client: dynamo.documentClient, tableName };
    },
    close: () => dynamo.close(),
  };
}
