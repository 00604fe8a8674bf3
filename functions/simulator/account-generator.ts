import type {
  Connection,
  ConnectionNotice,
  Destination,
  Group,
  SchemaConfig,
} from '#commons/fivetran/schemas';
import type { SimAccount } from './account.ts';
import type { IdFactory } from './names.ts';
import type { Random } from './prng.ts';

/** The situations a real account's connections are in; every one appears once the account has ten or more. */
export const SCENARIOS = [
  'healthy',
  'failing',
  'failing_with_task',
  'broken',
  'incomplete',
  'paused',
  'delayed',
  'rescheduled',
  'never_synced',
  'no_schema',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Half the account is healthy; the rest is spread over the troubled situations. */
function drawScenario(random: Random): Scenario {
  if (random.chance(0.5)) return 'healthy';
  return random.pick(SCENARIOS.slice(1));
}

interface ServiceProfile {
  readonly service: string;
  readonly sourceSchema: string;
  readonly tables: readonly string[];
  /** Shaped like Fivetran's `config`: secrets arrive masked, other fields (hosts, users) do not. */
  readonly config: () => Record<string, unknown>;
}

const SERVICES: readonly ServiceProfile[] = [
  {
    service: 'salesforce',
    sourceSchema: 'salesforce',
    tables: ['account', 'contact', 'opportunity', 'lead', 'user', 'task'],
    config: () => ({ domain: 'acme.my.salesforce.com', is_sandbox: false }),
  },
  {
    service: 'postgres',
    sourceSchema: 'public',
    tables: ['orders', 'customers', 'order_items', 'products', 'payments'],
    config: () => ({
      host: 'db.internal.example.com',
      port: 5432,
      database: 'app',
      user: 'fivetran',
      password: '******',
      update_method: 'WAL',
    }),
  },
  {
    service: 'mysql',
    sourceSchema: 'shop',
    tables: ['carts', 'sessions', 'inventory', 'refunds'],
    config: () => ({ host: 'mysql.internal.example.com', port: 3306, user: 'fivetran', password: '******' }),
  },
  {
    service: 'google_sheets',
    sourceSchema: 'google_sheets',
    tables: ['budget', 'targets'],
    config: () => ({ sheet_id: 'https://docs.google.com/spreadsheets/d/example', named_range: 'data' }),
  },
  {
    service: 'hubspot',
    sourceSchema: 'hubspot',
    tables: ['company', 'contact', 'deal', 'engagement'],
    config: () => ({}),
  },
  {
    service: 'stripe',
    sourceSchema: 'stripe',
    tables: ['charge', 'customer', 'invoice', 'subscription', 'balance_transaction'],
    config: () => ({ secret_key: '******' }),
  },
  {
    service: 'google_ads',
    sourceSchema: 'google_ads',
    tables: ['campaign_stats', 'ad_group_stats', 'keyword_stats'],
    config: () => ({ customer_id: '123-456-7890', sync_mode: 'AllAccounts' }),
  },
  {
    service: 'facebook_ads',
    sourceSchema: 'facebook_ads',
    tables: ['basic_ad', 'basic_campaign', 'ad_set_history'],
    config: () => ({ accounts: ['act_1234567890'] }),
  },
  {
    service: 'shopify',
    sourceSchema: 'shopify',
    tables: ['order', 'product', 'customer', 'fulfillment'],
    config: () => ({ shop: 'acme-store' }),
  },
  {
    service: 'zendesk',
    sourceSchema: 'zendesk',
    tables: ['ticket', 'ticket_comment', 'user', 'organization'],
    config: () => ({ subdomain: 'acme' }),
  },
  {
    service: 'jira',
    sourceSchema: 'jira',
    tables: ['issue', 'project', 'sprint', 'comment'],
    config: () => ({
      host: 'acme.atlassian.net',
      port: 443,
      username: 'fivetran@example.com',
      password: '******',
    }),
  },
];

const GROUP_NAMES = ['Production', 'Marketing', 'Finance', 'Analytics Sandbox', 'EU Warehouse', 'Product'];
const DESTINATION_SERVICES = ['snowflake', 'big_query', 'redshift', 'databricks'];
const REGIONS = ['AWS_US_EAST_1', 'AWS_EU_CENTRAL_1', 'GCP_US_EAST4', 'GCP_EUROPE_WEST3', 'AZURE_EASTUS2'];
const TIME_ZONE_OFFSETS = ['-8', '-5', '0', '+1', '+9'];
const COMMON_FREQUENCIES = [15, 60, 60, 360, 1440] as const;
const TASK_TYPES = ['reconnect', 'update_credentials', 'grant_permissions'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface AccountShape {
  readonly groups: number;
  readonly connections: number;
  readonly accountName?: string;
  readonly keyKind?: 'user' | 'system';
}

/** Builds a realistic account from the seeded PRNG: groups with destinations and a mix of connections. */
export function generateAccount(
  shape: AccountShape,
  random: Random,
  ids: IdFactory,
  nowMs: number,
): SimAccount {
  const account: SimAccount = {
    accountId: ids.next(),
    accountName: shape.accountName ?? 'Acme Analytics (simulated)',
    keyKind: shape.keyKind ?? 'user',
    ownerId: ids.next(),
    groups: new Map(),
    destinations: new Map(),
    connections: new Map(),
    schemas: new Map(),
    webhooks: new Map(),
  };
  for (let i = 0; i < shape.groups; i++) {
    const group = generateGroup(i, random, ids, nowMs);
    account.groups.set(group.id, group);
    account.destinations.set(group.id, generateDestination(group, random));
  }
  const groupIds = [...account.groups.keys()];
  if (groupIds.length === 0) return account;
  for (let i = 0; i < shape.connections; i++) {
    // The first ones walk through every scenario so even a small account shows them all.
    const scenario = i < SCENARIOS.length ? (SCENARIOS[i] as Scenario) : drawScenario(random);
    addGeneratedConnection(account, scenario, random.pick(groupIds), random, ids, nowMs);
  }
  return account;
}

function generateGroup(index: number, random: Random, ids: IdFactory, nowMs: number): Group {
  const base = GROUP_NAMES[index % GROUP_NAMES.length] as string;
  const name = index < GROUP_NAMES.length ? base : `${base} ${Math.floor(index / GROUP_NAMES.length) + 1}`;
  return { id: ids.next(), name, created_at: iso(nowMs - random.int(200, 900) * DAY) };
}

function generateDestination(group: Group, random: Random): Destination {
  return {
    id: group.id,
    service: random.pick(DESTINATION_SERVICES),
    region: random.pick(REGIONS),
    group_id: group.id,
    time_zone_offset: random.pick(TIME_ZONE_OFFSETS),
    setup_status: random.chance(0.9) ? 'CONNECTED' : 'INCOMPLETE',
    daylight_saving_time_enabled: random.chance(0.5),
    networking_method: 'Directly',
    private_link_id: null,
    hybrid_deployment_agent_id: null,
    proxy_agent_id: null,
    external_secrets_manager_id: null,
    setup_tests: [{ title: 'Host Connection', status: 'PASSED', message: '' }],
    config: {
      host: 'warehouse.example.com',
      user: 'FIVETRAN_USER',
      password: '******',
      database: 'ANALYTICS',
    },
  };
}

/** Creates one connection in `scenario` (and its schema config when it would have one) inside `account`. */
export function addGeneratedConnection(
  account: SimAccount,
  scenario: Scenario,
  groupId: string,
  random: Random,
  ids: IdFactory,
  nowMs: number,
): Connection {
  const profile = random.pick(SERVICES);
  const schema = uniqueSchemaName(account, profile.service, random);
  const frequency = random.pick(COMMON_FREQUENCIES);
  const createdMs =
    scenario === 'no_schema' ? nowMs - random.int(2, 50) * MINUTE : nowMs - random.int(20, 700) * DAY;
  const everyMs = frequency * MINUTE;
  const recent = (): number => nowMs - random.int(1, Math.max(1, frequency - 1)) * MINUTE;
  const earlier = (): number => nowMs - random.int(2, 30) * DAY;

  let succeededMs: number | null = recent();
  let failedMs: number | null = random.chance(0.3) ? earlier() : null;
  let setupState = 'connected';
  let syncState = 'scheduled';
  let updateState = 'on_schedule';
  let paused = false;
  let historical = false;
  let rescheduledFor: string | null = null;
  const tasks: ConnectionNotice[] = [];
  const warnings: ConnectionNotice[] = [];
  let withSchema = true;

  switch (scenario) {
    case 'healthy':
      if (random.chance(0.1))
        warnings.push({ code: 'resync_table_warning', message: 'Resync Table Warning' });
      break;
    case 'failing':
      failedMs = recent();
      succeededMs = nowMs - random.int(1, 5) * DAY;
      updateState = 'delayed';
      break;
    case 'failing_with_task': {
      failedMs = recent();
      succeededMs = nowMs - random.int(1, 5) * DAY;
      const taskType = random.pick(TASK_TYPES);
      tasks.push({ code: taskType, message: taskMessage(taskType) });
      updateState = 'delayed';
      break;
    }
    case 'broken':
      setupState = 'broken';
      failedMs = recent();
      succeededMs = earlier();
      tasks.push({ code: 'reconnect', message: taskMessage('reconnect') });
      updateState = 'delayed';
      break;
    case 'incomplete':
      setupState = 'incomplete';
      succeededMs = null;
      failedMs = null;
      withSchema = false;
      break;
    case 'paused':
      paused = true;
      syncState = 'paused';
      succeededMs = earlier();
      break;
    case 'delayed':
      updateState = 'delayed';
      succeededMs = nowMs - (random.int(3, 6) * everyMs + HOUR);
      break;
    case 'rescheduled':
      syncState = 'rescheduled';
      rescheduledFor = iso(nowMs + random.int(5, 120) * MINUTE);
      break;
    case 'never_synced':
      succeededMs = null;
      failedMs = null;
      historical = true;
      break;
    case 'no_schema':
      succeededMs = null;
      failedMs = null;
      historical = true;
      withSchema = false;
      break;
  }

  const connection: Connection = {
    id: ids.next(),
    group_id: groupId,
    service: profile.service,
    service_version: 1,
    schema,
    connected_by: account.ownerId,
    created_at: iso(createdMs),
    succeeded_at: succeededMs === null ? null : iso(Math.max(succeededMs, createdMs)),
    failed_at: failedMs === null ? null : iso(Math.max(failedMs, createdMs)),
    paused,
    pause_after_trial: false,
    sync_frequency: frequency,
    daily_sync_time: frequency === 1440 ? '03:00' : null,
    schedule_type: random.chance(0.9) ? 'auto' : 'manual',
    data_delay_sensitivity: 'NORMAL',
    data_delay_threshold: 0,
    networking_method: 'Directly',
    destination_schema_names: 'SOURCE_NAMING',
    status: {
      setup_state: setupState,
      schema_status: 'ready',
      sync_state: syncState,
      update_state: updateState,
      is_historical_sync: historical,
      rescheduled_for: rescheduledFor,
      tasks,
      warnings,
    },
    setup_tests: [
      {
        title: 'Connecting to source',
        status: setupState === 'connected' ? 'PASSED' : 'FAILED',
        message: setupState === 'connected' ? '' : 'Could not connect with the saved credentials',
      },
    ],
    config: profile.config(),
  };
  account.connections.set(connection.id, connection);
  if (withSchema) account.schemas.set(connection.id, generateSchemaConfig(profile.service, schema, random));
  return connection;
}

export function taskMessage(taskType: string): string {
  const words = taskType.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function uniqueSchemaName(account: SimAccount, service: string, random: Random): string {
  for (;;) {
    const name = `${service}_${random.int(1, 9999)}`;
    let taken = false;
    for (const connection of account.connections.values()) taken ||= connection.schema === name;
    if (!taken) return name;
  }
}

/** A schema config as a connection has it after its first sync: only user-overridden columns appear. */
export function generateSchemaConfig(
  service: string,
  destinationSchema: string,
  random: Random,
): SchemaConfig {
  const profile = SERVICES.find((s) => s.service === service);
  const sourceSchema = profile?.sourceSchema ?? 'public';
  const tableNames = profile?.tables ?? ['records'];
  const tables: NonNullable<SchemaConfig['schemas']>[string]['tables'] = {};
  for (const table of tableNames) {
    const enabled = random.chance(0.85);
    tables[table] = {
      name_in_destination: table,
      enabled,
      sync_mode: random.chance(0.8) ? 'SOFT_DELETE' : 'HISTORY',
      supports_columns_config: true,
      supports_history_mode: true,
      enabled_patch_settings: { allowed: true, reason: null, reason_code: null },
      columns: random.chance(0.3)
        ? {
            email: {
              name_in_destination: 'email',
              enabled: true,
              hashed: true,
              is_primary_key: false,
              enabled_patch_settings: { allowed: true, reason: null, reason_code: null },
            },
          }
        : {},
    };
  }
  return {
    enable_new_by_default: random.chance(0.7),
    schema_change_handling: random.pick(['ALLOW_ALL', 'ALLOW_COLUMNS', 'BLOCK_ALL']),
    schemas: { [sourceSchema]: { name_in_destination: destinationSchema, enabled: true, tables } },
  };
}
