/**
 * An account in the shape the API returns once this round's work lands (health_reason, freshness, five
 * healths, setup_tests, sync_stats, the syncs/tables/schema-changes routes), written in our own values.
 * Times are relative to `now`, so "x ago" reads the same on every run.
 */

export type Json = Record<string, unknown>;

const MIN = 60_000;

export const GROUPS: Json[] = [
  {
    id: 'north_star',
    name: 'Analytics warehouse',
    created_at: '2025-01-05T10:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    destination: {
      id: 'north_star',
      service: 'snowflake',
      region: 'AWS_EU_WEST_1',
      setup_status: 'CONNECTED',
      time_zone_offset: '0',
    },
  },
  {
    id: 'quiet_lake',
    name: 'Data lake',
    created_at: '2025-02-11T10:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    destination: {
      id: 'quiet_lake',
      service: 'big_query',
      region: 'GCP_US_EAST4',
      setup_status: 'CONNECTED',
      time_zone_offset: '-5',
    },
  },
];

interface Spec {
  id: string;
  schema: string;
  service: string;
  group: string;
  health: 'failing' | 'pending' | 'delayed' | 'paused' | 'healthy';
  reason?: { code: string; message: string; sinceMin: number };
  lastSuccessMin: number | null;
  everyMin: number | null;
  lateByMin?: number;
}

/** Eleven connections: every health, every kind of reason. */
export const SPECS: Spec[] = [
  {
    id: 'sf_prod',
    schema: 'salesforce_prod',
    service: 'salesforce',
    group: 'north_star',
    health: 'failing',
    reason: {
      code: 'sync_failed',
      message: 'OAuth token expired for user integration@example.com',
      sinceMin: 95,
    },
    lastSuccessMin: 130,
    everyMin: 60,
    lateByMin: 70,
  },
  {
    id: 'hub_mkt',
    schema: 'hubspot_marketing',
    service: 'hubspot',
    group: 'north_star',
    health: 'failing',
    reason: { code: 'task_open', message: 'Reconnect: the HubSpot app was uninstalled', sinceMin: 600 },
    lastSuccessMin: 900,
    everyMin: 360,
    lateByMin: 180,
  },
  {
    id: 'pg_orders',
    schema: 'postgres_orders',
    service: 'postgres',
    group: 'quiet_lake',
    health: 'failing',
    reason: { code: 'setup_broken', message: 'Connecting to SSH tunnel: connection refused', sinceMin: 30 },
    lastSuccessMin: 2000,
    everyMin: 15,
    lateByMin: 1985,
  },
  {
    id: 'new_zd',
    schema: 'zendesk_support',
    service: 'zendesk',
    group: 'quiet_lake',
    health: 'pending',
    reason: { code: 'first_sync_pending', message: 'The first (historical) sync is running', sinceMin: 12 },
    lastSuccessMin: null,
    everyMin: 360,
  },
  {
    id: 'gs_budget',
    schema: 'sheets_budget',
    service: 'google_sheets',
    group: 'north_star',
    health: 'delayed',
    reason: { code: 'late', message: 'No successful sync for 3 h; one was expected every 1 h', sinceMin: 60 },
    lastSuccessMin: 185,
    everyMin: 60,
    lateByMin: 65,
  },
  {
    id: 'stripe_eu',
    schema: 'stripe_eu',
    service: 'stripe',
    group: 'quiet_lake',
    health: 'paused',
    reason: { code: 'paused', message: 'Paused by a user in Fivetran', sinceMin: 4000 },
    lastSuccessMin: 4100,
    everyMin: null,
  },
  ...['shopify_store', 'jira_cloud', 'mysql_app', 'ads_google', 'fb_ads'].map(
    (schema, i): Spec => ({
      id: `ok_${i}`,
      schema,
      service: schema.split('_')[0] ?? 'mysql',
      group: i % 2 === 0 ? 'north_star' : 'quiet_lake',
      health: 'healthy',
      lastSuccessMin: 3 + i * 11,
      everyMin: [15, 60, 360, 30, 1440][i] ?? 60,
    }),
  ),
];

function at(now: number, minutesAgo: number | null): string | null {
  return minutesAgo === null ? null : new Date(now - minutesAgo * MIN).toISOString();
}

export function connectionItem(spec: Spec, now: number): Json {
  const failing = spec.health === 'failing';
  const lastSuccess = at(now, spec.lastSuccessMin);
  const failedAt = failing ? at(now, spec.reason?.sinceMin ?? 10) : null;
  const completed = failing
    ? { status: 'FAILURE', ended_at: failedAt, reason: spec.reason?.message ?? null }
    : lastSuccess
      ? { status: 'SUCCESSFUL', ended_at: lastSuccess, reason: null }
      : null;
  const record = completed ? { sync_id: null, started_at: null, source: 'api', ...completed } : null;
  return {
    id: spec.id,
    group_id: spec.group,
    service: spec.service,
    schema: spec.schema,
    paused: spec.health === 'paused',
    status: {
      setup_state: spec.reason?.code === 'setup_broken' ? 'broken' : 'connected',
      sync_state: spec.health === 'pending' ? 'syncing' : spec.health === 'paused' ? 'paused' : 'scheduled',
      update_state: spec.health === 'delayed' ? 'delayed' : 'on_schedule',
      is_historical_sync: spec.health === 'pending',
      rescheduled_for: null,
      schema_status: 'ready',
      tasks: spec.reason?.code === 'task_open' ? [{ code: 'reconnect', message: 'Reconnect' }] : [],
      warnings:
        spec.id === 'sf_prod' ? [{ code: 'resync_table_warning', message: 'Resync Table Warning' }] : [],
    },
    sync_frequency: spec.everyMin,
    schedule_type: spec.everyMin === null ? 'manual' : 'auto',
    daily_sync_time: spec.everyMin === 1440 ? '03:00' : null,
    data_delay_sensitivity: spec.id === 'gs_budget' ? 'CUSTOM' : 'NORMAL',
    data_delay_threshold: spec.id === 'gs_budget' ? 45 : 0,
    connected_by: 'brisk_otter',
    service_version: 4,
    setup_tests:
      spec.reason?.code === 'setup_broken'
        ? [
            { title: 'Validate credentials', status: 'PASSED', message: '' },
            { title: 'Connecting to SSH tunnel', status: 'FAILED', message: 'connection refused' },
          ]
        : [{ title: 'Validate credentials', status: 'PASSED', message: '' }],
    pause_after_trial: false,
    succeeded_at: lastSuccess,
    failed_at: failedAt,
    created_at: '2025-03-01T08:00:00.000Z',
    deleted_at: null,
    last_sync: record,
    last_completed_sync: record,
    health: spec.health,
    health_reason: spec.reason
      ? { code: spec.reason.code, message: spec.reason.message, since: at(now, spec.reason.sinceMin) }
      : null,
    freshness: {
      last_success_at: lastSuccess,
      expected_every_minutes: spec.everyMin,
      late_after:
        spec.everyMin !== null && spec.lastSuccessMin !== null
          ? at(now, spec.lastSuccessMin - spec.everyMin)
          : null,
      late_by_minutes: spec.lateByMin ?? (spec.everyMin === null ? null : 0),
    },
    updated_at: new Date(now - MIN).toISOString(),
    schema_version: 2,
  };
}

/** 24 runs of sf_prod over the last 12 h, durations varying, failures at three points with reasons. */
export function syncRuns(now: number): Json[] {
  const runs: Json[] = [];
  for (let i = 0; i < 24; i++) {
    const start = now - (24 - i) * 30 * MIN;
    const duration = 120 + ((i * 53) % 9) * 45;
    const failed = i === 7 || i === 22 || i === 23;
    const status = failed ? 'FAILURE' : i === 15 ? 'RESCHEDULED' : 'SUCCESSFUL';
    runs.push({
      sync_id: `run-${String(i).padStart(2, '0')}`,
      status,
      started_at: new Date(start).toISOString(),
      ended_at: new Date(start + duration * 1000).toISOString(),
      duration_s: duration,
      reason: failed ? 'OAuth token expired for user integration@example.com' : null,
      task_type: null,
    });
  }
  return runs.reverse();
}

export const FAILED_RUNS = 3;

export function detailOf(connection: Json, now: number): Json {
  const rich = connection.id === 'sf_prod';
  return {
    ...connection,
    config: rich ? { is_sandbox: false, domain: 'acme.my.salesforce.com' } : {},
    schema_selection: {
      state: 'present',
      fetched_at: new Date(now - 20 * MIN).toISOString(),
      summary: {
        schema_change_handling: 'ALLOW_COLUMNS',
        schemas_enabled: 1,
        schemas_total: 1,
        tables_enabled: 2,
        tables_total: 3,
        columns_enabled: 14,
        schemas: [
          {
            name: 'salesforce',
            name_in_destination: String(connection.schema),
            tables_enabled: 2,
            tables_total: 3,
            tables: [
              { name: 'account', sync_mode: 'SOFT_DELETE' },
              { name: 'opportunity', sync_mode: 'HISTORY' },
            ],
          },
        ],
        truncated: false,
      },
    },
    syncs: rich ? syncRuns(now).slice(0, 20) : [],
    sync_stats: rich
      ? {
          runs: 24,
          succeeded: 20,
          failed: 3,
          success_rate: 20 / 24,
          duration_p50_s: 255,
          duration_p95_s: 460,
        }
      : undefined,
  };
}

export function eventsOf(id: string, now: number): Json[] {
  return [
    { event: 'sync_end', minutes: 95, data: { status: 'FAILURE', reason: 'OAuth token expired' } },
    { event: 'sync_start', minutes: 99, data: {} },
    { event: 'sync_end', minutes: 130, data: { status: 'SUCCESSFUL' } },
  ].map((e, i) => {
    const created = new Date(now - e.minutes * MIN).toISOString();
    return {
      id: `${id}-event-${i}`,
      event: e.event,
      created,
      received_at: created,
      connection_id: id,
      group_id: 'north_star',
      service: 'salesforce',
      sync_id: 'run-23',
      payload: { event: e.event, connector_id: id, created, data: e.data },
    };
  });
}
