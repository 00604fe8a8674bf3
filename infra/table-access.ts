import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * What each function may do on the table: exactly the DynamoDB operations its code sends (checked against
 * the bundles by test/infra/table-access.test.ts), on the table and its indexes. No function gets Scan,
 * BatchWriteItem or the Transact / PartiQL operations: none calls them.
 */
export const TABLE_ACTIONS = {
  /** Stores events, updates connections, sync runs, counters and the recent health changes; reads them back. */
  webhook: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  /** Read-only: the read routes, and the lease item POST /api/sweeps looks at before invoking the sweep. */
  api: ['dynamodb:GetItem', 'dynamodb:Query'],
  /**
   * Everything the sweep writes, plus DeleteItem: it releases its lease and forgets a webhook registration
   * Fivetran no longer has.
   */
  sweep: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:Query',
  ],
  /**
   * The alert pass: reads the kept health changes and deletes each once planned, writes alert states and
   * outbox items (conditional claims), reads connections and groups for the digest and reminders.
   */
  alerts: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:Query',
  ],
} as const satisfies Record<string, readonly `dynamodb:${string}`[]>;

export type TableUser = keyof typeof TABLE_ACTIONS;

export function grantTableAccess(table: ITableV2, user: TableUser, grantee: IGrantable): void {
  table.grant(grantee, ...TABLE_ACTIONS[user]);
}
