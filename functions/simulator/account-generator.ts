import type { SimAccount, SimDestination, SimGroup } from './account.ts';
import {
  addGeneratedConnection,
  drawScenario,
  iso,
  QUIRK_SCENARIOS,
  SCENARIOS,
  type Scenario,
} from './connection-generator.ts';
import { seedHistory } from './history-generator.ts';
import type { IdFactory } from './names.ts';
import type { Random } from './prng.ts';
import { generateTransformations } from './transformation-generator.ts';

export {
  addGeneratedConnection,
  iso,
  QUIRK_SCENARIOS,
  SCENARIOS,
  type Scenario,
  taskMessage,
} from './connection-generator.ts';
export { generateSchemaConfig } from './schema-generator.ts';

const GROUP_NAMES = ['Production', 'Marketing', 'Finance', 'Analytics Sandbox', 'EU Warehouse', 'Product'];
const DESTINATION_SERVICES = ['snowflake', 'big_query', 'redshift', 'databricks'];
const REGIONS = ['AWS_US_EAST_1', 'AWS_EU_CENTRAL_1', 'GCP_US_EAST4', 'GCP_EUROPE_WEST3', 'AZURE_EASTUS2'];
const TIME_ZONE_OFFSETS = ['-8', '-5', '0', '+1', '+9'];

const DAY = 24 * 60 * 60_000;

export interface AccountShape {
  readonly groups: number;
  readonly connections: number;
  readonly accountName?: string;
  readonly keyKind?: 'user' | 'system';
}

/** The seeded streams an account is built from; each its own, so adding one never changes the others. */
export interface AccountRandoms {
  readonly account: Random;
  /** Past runs for the sync-history endpoint. */
  readonly history: Random;
  readonly transformations: Random;
  /** Real-world odd shapes; null builds the classic account (the same one for the same seed as before). */
  readonly quirks: Random | null;
}

/**
 * Builds a realistic account: groups with destinations, a mix of connections (the first ones walk through
 * every scenario so even a small account shows them all), their recent runs, and a few transformations.
 */
export function generateAccount(
  shape: AccountShape,
  randoms: AccountRandoms,
  ids: IdFactory,
  nowMs: number,
): SimAccount {
  const random = randoms.account;
  const account: SimAccount = {
    accountId: ids.next(),
    accountName: shape.accountName ?? 'Acme Analytics (simulated)',
    keyKind: shape.keyKind ?? 'user',
    ownerId: ids.next(),
    groups: new Map(),
    destinations: new Map(),
    connections: new Map(),
    schemas: new Map(),
    runs: new Map(),
    transformations: new Map(),
    webhooks: new Map(),
  };
  for (let i = 0; i < shape.groups; i++) {
    const group = generateGroup(i, random, ids, nowMs);
    account.groups.set(group.id, group);
    // Fivetran's examples say `connected`, its OpenAPI enum `CONNECTED`: real accounts show both.
    const lowerCase = randoms.quirks !== null && i % 2 === 0;
    account.destinations.set(group.id, generateDestination(group, random, lowerCase));
  }
  const groupIds = [...account.groups.keys()];
  if (groupIds.length === 0) return account;
  const walk: readonly Scenario[] = randoms.quirks === null ? SCENARIOS : [...SCENARIOS, ...QUIRK_SCENARIOS];
  let legacyShown = false;
  for (let i = 0; i < shape.connections; i++) {
    const scenario = i < walk.length ? (walk[i] as Scenario) : drawScenario(random);
    const connection = addGeneratedConnection(
      account,
      scenario,
      random.pick(groupIds),
      random,
      ids,
      nowMs,
      randoms.quirks,
    );
    // One healthy connection answers the way older responses did: no `status`, `paused` or `config`.
    if (randoms.quirks !== null && !legacyShown && scenario === 'healthy') {
      connection.sim.shape = 'legacy';
      legacyShown = true;
    }
    // The walk's connection with a task shows it without `code` (legal: the spec requires nothing of it).
    if (randoms.quirks !== null && i < walk.length && scenario === 'failing_with_task') {
      connection.sim.shape = 'full';
      for (const task of connection.status.tasks) task.code = null;
    }
    seedHistory(account, connection, randoms.history, nowMs);
  }
  generateTransformations(account, randoms.transformations, ids, nowMs);
  return account;
}

function generateGroup(index: number, random: Random, ids: IdFactory, nowMs: number): SimGroup {
  const base = GROUP_NAMES[index % GROUP_NAMES.length] as string;
  const name = index < GROUP_NAMES.length ? base : `${base} ${Math.floor(index / GROUP_NAMES.length) + 1}`;
  return { id: ids.next(), name, created_at: iso(nowMs - random.int(200, 900) * DAY) };
}

function generateDestination(group: SimGroup, random: Random, lowerCase: boolean): SimDestination {
  const status = random.chance(0.9) ? 'CONNECTED' : 'INCOMPLETE';
  return {
    id: group.id,
    service: random.pick(DESTINATION_SERVICES),
    region: random.pick(REGIONS),
    group_id: group.id,
    time_zone_offset: random.pick(TIME_ZONE_OFFSETS),
    setup_status: lowerCase ? status.toLowerCase() : status,
    daylight_saving_time_enabled: random.chance(0.5),
    networking_method: 'Directly',
    setup_tests: [{ title: 'Host Connection', status: 'PASSED', message: '' }],
    config: {
      host: 'warehouse.example.com',
      user: 'FIVETRAN_USER',
      password: '******',
      database: 'ANALYTICS',
    },
  };
}
