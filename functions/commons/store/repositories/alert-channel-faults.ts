import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { number, object, safeParse, string } from 'zod/mini';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { channelFaultKey } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';

/**
 * A channel that refused its messages (4xx for its URL or key), one small item per channel
 * (`ACCOUNT` / `ALERT_FAULT#<channel>`), so the refusal is reported once, not on every message. Holds a
 * fingerprint of the endpoint, never the URL or key.
 */
export interface ChannelFaultRecord {
  readonly channel: string;
  readonly status: number;
  readonly message: string;
  readonly endpoint: string;
  readonly since: string;
}

const faultSchema = object({
  channel: string(),
  status: number(),
  message: string(),
  endpoint: string(),
  since: string(),
});

export function alertChannelFaults(table: TableRef) {
  return {
    async channelFault(channel: string): Promise<ChannelFaultRecord | null> {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: channelFaultKey(channel), ConsistentRead: true }),
      );
      const parsed = safeParse(faultSchema, Item);
      return parsed.success ? parsed.data : null;
    },

    /** True when it is news: no fault with this status for this endpoint was recorded yet. */
    async recordChannelFault(fault: ChannelFaultRecord): Promise<boolean> {
      try {
        await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              ...channelFaultKey(fault.channel),
              kind: 'alert_channel_fault',
              channel: fault.channel,
              status: fault.status,
              message: fault.message.slice(0, 300),
              endpoint: fault.endpoint,
              since: fault.since,
              schema_version: SCHEMA_VERSION,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR endpoint <> :endpoint OR #status <> :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':endpoint': fault.endpoint, ':status': fault.status },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    /** True when there was a fault to clear. */
    async clearChannelFault(channel: string): Promise<boolean> {
      const { Attributes } = await table.client.send(
        new DeleteCommand({
          TableName: table.tableName,
          Key: channelFaultKey(channel),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes !== undefined;
    },
  };
}
