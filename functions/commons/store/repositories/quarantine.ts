import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { AccessPatterns, indexEntry, quarantineKey } from '../table/keys.ts';
import { putIfAbsent } from '../table/put-if-absent.ts';
import type { Retention } from '../table/retention.ts';
import type { TableRef } from '../table/table-ref.ts';

/** A signed body that is not a readable Fivetran event, kept exactly as it came. */
export interface QuarantinedBody {
  readonly id: string;
  readonly reason: string;
  /** The exact bytes, base64. */
  readonly body_base64: string;
  readonly size: number;
  readonly received_at: string;
}

export interface QuarantineRepository {
  /** Keeps the body once; false when it was already kept. */
  putOnce(quarantined: QuarantinedBody): Promise<boolean>;
  /** Whether the body's arrival was already added to the account's count. */
  isCounted(id: string): Promise<boolean>;
  markCounted(id: string): Promise<void>;
}

export function quarantineRepository(
  table: TableRef,
  options: { readonly retention: Retention; readonly now: () => number },
): QuarantineRepository {
  return {
    putOnce: (quarantined) =>
      putIfAbsent(table, {
        ...quarantined,
        ...quarantineKey(quarantined.id),
        kind: 'quarantined',
        counted: false,
        ...indexEntry(AccessPatterns.allQuarantined(), `${quarantined.received_at}#${quarantined.id}`),
        expires_at: options.retention.expiresAt(options.now()),
        schema_version: SCHEMA_VERSION,
      }),

    async isCounted(id) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: quarantineKey(id), ConsistentRead: true }),
      );
      return Item?.counted === true;
    },

    async markCounted(id) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: quarantineKey(id),
          UpdateExpression: 'SET counted = :true',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    },
  };
}
