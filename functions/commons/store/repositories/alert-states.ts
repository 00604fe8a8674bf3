import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { alertStateKey } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';
import { VERSION_ATTRIBUTE } from '../table/versioned-update.ts';

/**
 * What was recently alerted for one connection (the noise rules' memory), one item in the connection's
 * partition (`CONN#<id>` / `ALERT_STATE`). Version-checked: `put` writes only over the version read, so two
 * passes planning the same connection never overwrite each other; the loser reads again and re-plans. The
 * state itself is the alert core's shape (it parses what `get` returns).
 */
export interface StoredAlertState {
  /** Null when the connection has no state yet. */
  readonly state: unknown;
  /** Null when there is no item. */
  readonly version: number | null;
}

export interface AlertStateRepository {
  get(connectionId: string): Promise<StoredAlertState>;
  /** Writes over exactly `expectedVersion` (null: only if none exists); false when another writer won. */
  put(connectionId: string, state: Record<string, unknown>, expectedVersion: number | null): Promise<boolean>;
}

export function alertStateRepository(table: TableRef): AlertStateRepository {
  return {
    async get(connectionId) {
      const { Item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: alertStateKey(connectionId),
          ConsistentRead: true,
        }),
      );
      if (!Item) return { state: null, version: null };
      const version = Item[VERSION_ATTRIBUTE];
      return { state: Item.alert_state ?? null, version: typeof version === 'number' ? version : 0 };
    },

    async put(connectionId, state, expectedVersion) {
      try {
        await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              ...alertStateKey(connectionId),
              kind: 'alert_state',
              connection_id: connectionId,
              alert_state: state,
              [VERSION_ATTRIBUTE]: (expectedVersion ?? 0) + 1,
              schema_version: SCHEMA_VERSION,
            },
            ConditionExpression:
              expectedVersion === null ? 'attribute_not_exists(pk)' : '#version = :version',
            ...(expectedVersion === null
              ? {}
              : {
                  ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE },
                  ExpressionAttributeValues: { ':version': expectedVersion },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
