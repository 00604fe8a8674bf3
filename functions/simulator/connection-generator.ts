import type { SimAccount, SimConnection, SimNotice } from './account.ts';
import type { IdFactory } from './names.ts';
import type { Random } from './prng.ts';
import { generateSchemaConfig } from './schema-generator.ts';
import { SERVICES } from './service-profiles.ts';

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

/**
 * Situations only the real-world account (`quirks`) has: a connection just created (`incomplete`, first
 * sync pending), one in its historical first sync, and one that stopped syncing while Fivetran still says
 * `on_schedule` (it goes late).
 */
export const QUIRK_SCENARIOS = ['new', 'historical_first_sync', 'late'] as const;

export type Scenario = (typeof SCENARIOS)[number] | (typeof QUIRK_SCENARIOS)[number];

const COMMON_FREQUENCIES = [15, 60, 60, 360, 1440] as const;
const TASK_TYPES = ['reconnect', 'update_credentials', 'grant_permissions'];
const TROUBLED: ReadonlySet<Scenario> = new Set(['failing', 'failing_with_task', 'broken']);
const JUST_CREATED: ReadonlySet<Scenario> = new Set(['no_schema', 'new']);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Half the account is healthy; the rest is spread over the troubled situations. */
export function drawScenario(random: Random): Scenario {
  if (random.chance(0.5)) return 'healthy';
  return random.pick(SCENARIOS.slice(1));
}

export function taskMessage(taskType: string): string {
  const words = taskType.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Creates one connection in `scenario` (and its schema config when it would have one) inside `account`.
 * `quirks` (a separate stream, so an account without quirks is the same for the same seed) adds the odd
 * shapes real answers have: tasks without `code`, some connections served with only the required fields,
 * and the generic `NotFound` on the schema path.
 */
export function addGeneratedConnection(
  account: SimAccount,
  scenario: Scenario,
  groupId: string,
  random: Random,
  ids: IdFactory,
  nowMs: number,
  quirks: Random | null = null,
): SimConnection {
  const profile = random.pick(SERVICES);
  const schema = uniqueSchemaName(account, profile.service, random);
  const frequency = random.pick(COMMON_FREQUENCIES);
  const createdMs = JUST_CREATED.has(scenario)
    ? nowMs - random.int(2, 50) * MINUTE
    : nowMs - random.int(20, 700) * DAY;
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
  const tasks: SimNotice[] = [];
  const warnings: SimNotice[] = [];
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
      // A task may come without `code` (the spec requires no property of it).
      tasks.push({ code: quirks?.chance(0.5) ? null : taskType, message: taskMessage(taskType) });
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
    case 'new':
      // What Fivetran shows for a connection created and not yet set up (the Go SDK's end-to-end tests).
      setupState = 'incomplete';
      succeededMs = null;
      failedMs = null;
      historical = true;
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
    case 'late':
      // Twelve schedules without a success; Fivetran has not noticed yet.
      succeededMs = nowMs - 12 * everyMs;
      failedMs = null;
      break;
    case 'rescheduled':
      syncState = 'rescheduled';
      rescheduledFor = iso(nowMs + random.int(5, 120) * MINUTE);
      break;
    case 'never_synced':
    case 'historical_first_sync':
      succeededMs = null;
      failedMs = null;
      historical = true;
      withSchema = scenario === 'never_synced';
      break;
    case 'no_schema':
      succeededMs = null;
      failedMs = null;
      historical = true;
      withSchema = false;
      break;
  }

  const connected = setupState === 'connected';
  const connection: SimConnection = {
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
        status: connected ? 'PASSED' : 'FAILED',
        message: connected ? '' : 'Could not connect with the saved credentials',
      },
    ],
    config: profile.config(),
    sim: {
      shape: quirks?.chance(0.1) ? 'required_only' : 'full',
      missingSchemaCode: quirks?.chance(0.5) ? 'NotFound' : 'NotFound_SchemaConfig',
      idle: scenario === 'late',
      troubled: TROUBLED.has(scenario),
    },
  };
  // A late connection is on an automatic schedule: a manual one is never late.
  if (scenario === 'late') connection.schedule_type = 'auto';
  account.connections.set(connection.id, connection);
  if (withSchema) account.schemas.set(connection.id, generateSchemaConfig(profile.service, schema, random));
  return connection;
}

function uniqueSchemaName(account: SimAccount, service: string, random: Random): string {
  for (;;) {
    const name = `${service}_${random.int(1, 9999)}`;
    let taken = false;
    for (const connection of account.connections.values()) taken ||= connection.schema === name;
    if (!taken) return name;
  }
}
