import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { boolean, type infer as Infer, nullable, strictObject, string } from 'zod/mini';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { REGISTERED_WEBHOOK_KEY } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';

/**
 * Our webhook at Fivetran, as `webhook register` created it. The sweep reads it to check that Fivetran
 * still has it `active` (Fivetran disables a webhook whose deliveries keep failing). Never holds the secret.
 */
export const registeredWebhookSchema = strictObject({
  webhook_id: string(),
  url: string(),
  registered_at: string(),
  /** The group it was registered for, or null for an account webhook. */
  group_id: nullable(string()),
  /** What the last sweep saw at Fivetran: null until one checked. */
  active: nullable(boolean()),
  active_checked_at: nullable(string()),
});
export type RegisteredWebhook = Infer<typeof registeredWebhookSchema>;

export interface WebhookRegistration {
  readonly webhook_id: string;
  readonly url: string;
  readonly registered_at?: string;
  readonly group_id?: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Records (or replaces) the registered webhook; its `active` state is unknown until the next sweep. */
async function saveRegisteredWebhook(table: TableRef, registration: WebhookRegistration): Promise<void> {
  const item = {
    ...REGISTERED_WEBHOOK_KEY,
    kind: 'registered_webhook',
    webhook_id: registration.webhook_id,
    url: registration.url,
    registered_at: registration.registered_at ?? new Date().toISOString(),
    group_id: registration.group_id ?? null,
    active: null,
    active_checked_at: null,
    schema_version: SCHEMA_VERSION,
  };
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
}

async function getRegisteredWebhook(table: TableRef): Promise<RegisteredWebhook | null> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: REGISTERED_WEBHOOK_KEY, ConsistentRead: true }),
  );
  const webhookId = str(Item?.webhook_id);
  if (!Item || webhookId === null) return null;
  return {
    webhook_id: webhookId,
    url: str(Item.url) ?? '',
    registered_at: str(Item.registered_at) ?? '',
    group_id: str(Item.group_id),
    active: typeof Item.active === 'boolean' ? Item.active : null,
    active_checked_at: str(Item.active_checked_at),
  };
}

/**
 * Records what a sweep saw, only when it differs from what is stored (so an unchanged account writes
 * nothing), and only for the same webhook (a registration that replaced it meanwhile is left alone).
 * Returns whether an item was written.
 */
async function recordWebhookActive(
  table: TableRef,
  webhookId: string,
  active: boolean,
  checkedAt: string,
): Promise<boolean> {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: REGISTERED_WEBHOOK_KEY,
        UpdateExpression: 'SET active = :active, active_checked_at = :at',
        ConditionExpression: 'webhook_id = :id AND (attribute_not_exists(active) OR active <> :active)',
        ExpressionAttributeValues: { ':active': active, ':at': checkedAt, ':id': webhookId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Forgets the registration (e.g. after the webhook was deleted at Fivetran). */
async function clearRegisteredWebhook(table: TableRef): Promise<void> {
  await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: REGISTERED_WEBHOOK_KEY }));
}

export interface WebhookRegistrationRepository {
  get(): Promise<RegisteredWebhook | null>;
  /** Records (or replaces) the registered webhook; its `active` state is unknown until the next sweep. */
  save(registration: WebhookRegistration): Promise<void>;
  /**
   * Records what a sweep saw, only when it differs from what is stored (an unchanged account writes nothing),
   * and only for the same webhook (a registration that replaced it meanwhile is left alone). True if written.
   */
  recordActive(webhookId: string, active: boolean, checkedAt: string): Promise<boolean>;
  /** Forgets the registration (e.g. after the webhook was deleted at Fivetran). */
  clear(): Promise<void>;
}

export function webhookRegistrationRepository(table: TableRef): WebhookRegistrationRepository {
  return {
    get: () => getRegisteredWebhook(table),
    save: (registration) => saveRegisteredWebhook(table, registration),
    recordActive: (webhookId, active, checkedAt) => recordWebhookActive(table, webhookId, active, checkedAt),
    clear: () => clearRegisteredWebhook(table),
  };
}
