import type { Connection, Destination, Group, SchemaConfig } from '#commons/fivetran/schemas';

/** A registered webhook as the simulator keeps it: unlike the API view, the secret is kept in the clear. */
export interface SimWebhook {
  readonly id: string;
  readonly type: 'account' | 'group';
  readonly group_id: string | null;
  url: string;
  events: string[];
  active: boolean;
  /** Plain signing secret, or null (deliveries then go unsigned). Never returned by the API. */
  secret: string | null;
  readonly created_at: string;
  readonly created_by: string;
}

/** The whole simulated account. Tests and demo mode may read and change it directly. */
export interface SimAccount {
  readonly accountId: string;
  accountName: string;
  /** How `GET /v1/account/info` presents the key: a user's scoped key or a system key. */
  keyKind: 'user' | 'system';
  /** The key's user (or system key) id; also `connected_by` / `created_by` of what the simulator creates. */
  readonly ownerId: string;
  readonly groups: Map<string, Group>;
  /** Keyed by group id (a destination shares its group's id); a group may have none. */
  readonly destinations: Map<string, Destination>;
  readonly connections: Map<string, Connection>;
  /** Schema config by connection id; absent means "no schema yet" (`NotFound_SchemaConfig`). */
  readonly schemas: Map<string, SchemaConfig>;
  readonly webhooks: Map<string, SimWebhook>;
}
