import { afterAll, beforeAll } from 'vitest';
import { tableAlertOutbox } from '#commons/alerts/table-alert-outbox';
import { alertOutboxRepository } from '#commons/store/repositories/alert-outbox';
import { startFreshTables } from '../store/support/fresh-tables.ts';
import { describeAlertOutboxContract } from './support/outbox-contract.ts';

let tables: Awaited<ReturnType<typeof startFreshTables>>;
beforeAll(async () => {
  tables = await startFreshTables();
});
afterAll(() => tables?.close());

describeAlertOutboxContract('DynamoDB (dynalite)', async () =>
  tableAlertOutbox(alertOutboxRepository(await tables.table())),
);
