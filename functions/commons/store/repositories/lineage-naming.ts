import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { boolean, enum as enumOf, nullable, number, record, string, union } from 'zod/mini';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import {
  AccessPatterns,
  connectionNamingKey,
  destinationNamingKey,
  FIVETRAN_ACCOUNT_KEY,
  indexEntry,
} from '../table/keys.ts';
import { queryPartition } from '../table/query-partition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/**
 * What OpenLineage dataset names need from a connection's or destination's `config` (host, port, database,
 * project, catalog): never read by a route, written only when lineage is on (see `keys.ts`). The caller
 * picks the fields; short scalars only, so a hostile config cannot grow the item.
 */
const namingShape = {
  owner: enumOf(['connection', 'destination']),
  id: string(),
  service: nullable(string()),
  config: record(string(), union([string(), number(), boolean()])),
};
export type NamingConfig = Readonly<Record<string, string | number | boolean>>;

export interface LineageNaming {
  readonly service: string | null;
  readonly config: NamingConfig;
}

const MAX_VALUE_LENGTH = 1_024;
const MAX_FIELDS = 20;

/** The named fields of a `config`, as far as they are short scalars. */
export function pickNamingConfig(
  config: Readonly<Record<string, unknown>> | null | undefined,
  fields: readonly string[],
): NamingConfig {
  const kept: Record<string, string | number | boolean> = {};
  if (!config) return kept;
  for (const field of fields.slice(0, MAX_FIELDS)) {
    if (!Object.hasOwn(config, field)) continue;
    const value = config[field];
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      kept[field] = value;
    else if (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH) kept[field] = value;
  }
  return kept;
}

const decode = (item: StoredItem): LineageNaming => {
  const read = readFields(namingShape, item, {
    owner: 'connection',
    id: '',
    service: null,
    config: {},
  }).value;
  return { service: read.service as string | null, config: read.config as NamingConfig };
};

export interface StoredNaming {
  readonly connections: Map<string, LineageNaming>;
  readonly destinations: Map<string, LineageNaming>;
}

export interface LineageNamingRepository {
  /** Every naming item (one small partition), for the sweep to write only what changed. */
  readAll(): Promise<StoredNaming>;
  save(owner: 'connection' | 'destination', id: string, naming: LineageNaming): Promise<void>;
  connection(id: string): Promise<LineageNaming | null>;
  destination(id: string): Promise<LineageNaming | null>;
  /** The Fivetran account id (the default job namespace), once a sweep has read it. */
  accountId(): Promise<string | null>;
  saveAccountId(accountId: string): Promise<void>;
}

export const sameNaming = (a: LineageNaming | undefined, b: LineageNaming) =>
  a !== undefined && canonicalJson(a) === canonicalJson(b);

export function lineageNamingRepository(table: TableRef): LineageNamingRepository {
  const keyOf = (owner: 'connection' | 'destination', id: string) =>
    owner === 'connection' ? connectionNamingKey(id) : destinationNamingKey(id);
  const get = async (key: { pk: string; sk: string }) =>
    (await table.client.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;
  return {
    async readAll() {
      const stored: StoredNaming = { connections: new Map(), destinations: new Map() };
      for await (const items of queryPartition(table, AccessPatterns.allLineageNaming())) {
        for (const item of items) {
          const id = typeof item.id === 'string' ? item.id : '';
          (item.owner === 'destination' ? stored.destinations : stored.connections).set(id, decode(item));
        }
      }
      return stored;
    },

    async save(owner, id, naming) {
      const key = keyOf(owner, id);
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...key,
            kind: 'lineage_naming',
            owner,
            id,
            service: naming.service,
            config: naming.config,
            ...indexEntry(AccessPatterns.allLineageNaming(), key.pk),
            schema_version: SCHEMA_VERSION,
          },
        }),
      );
    },

    async connection(id) {
      const item = await get(connectionNamingKey(id));
      return item ? decode(item) : null;
    },

    async destination(id) {
      const item = await get(destinationNamingKey(id));
      return item ? decode(item) : null;
    },

    async accountId() {
      const item = await get(FIVETRAN_ACCOUNT_KEY);
      return typeof item?.account_id === 'string' ? item.account_id : null;
    },

    async saveAccountId(accountId) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...FIVETRAN_ACCOUNT_KEY,
            kind: 'fivetran_account',
            account_id: accountId,
            schema_version: SCHEMA_VERSION,
          },
        }),
      );
    },
  };
}
