import type {
  SimConnection,
  SimDestination,
  SimGroup,
  SimNotice,
  SimRun,
  SimTransformation,
  SimWebhook,
} from './account.ts';
import { iso } from './connection-generator.ts';

/**
 * How the API presents what the simulator holds. Every answer uses Fivetran's field names; which optional
 * fields a connection's answer carries depends on its `sim.shape` (see `ConnectionShape`).
 */

type Json = Record<string, unknown>;

function noticeView(notice: SimNotice): Json {
  return notice.code === null ? { message: notice.message } : { code: notice.code, message: notice.message };
}

/** The fields the OpenAPI file requires of a list item (`ConnectorResponse`), and its required status fields. */
function requiredFields(c: SimConnection): Json {
  return {
    id: c.id,
    group_id: c.group_id,
    service: c.service,
    schema: c.schema,
    paused: c.paused,
    connected_by: c.connected_by,
    created_at: c.created_at,
    pause_after_trial: c.pause_after_trial,
    schedule_type: c.schedule_type,
    sync_frequency: c.sync_frequency,
    status: {
      setup_state: c.status.setup_state,
      sync_state: c.status.sync_state,
      update_state: c.status.update_state,
      is_historical_sync: c.status.is_historical_sync,
    },
  };
}

export function connectionView(c: SimConnection): Json {
  if (c.sim.shape === 'required_only') return requiredFields(c);
  if (c.sim.shape === 'legacy') {
    // Flat, as the Terraform provider's older mocks: timestamps and schedule, no status, paused or config.
    return {
      id: c.id,
      group_id: c.group_id,
      service: c.service,
      schema: c.schema,
      connected_by: c.connected_by,
      created_at: c.created_at,
      succeeded_at: c.succeeded_at,
      failed_at: c.failed_at,
      pause_after_trial: c.pause_after_trial,
      sync_frequency: c.sync_frequency,
      schedule_type: c.schedule_type,
    };
  }
  return {
    id: c.id,
    group_id: c.group_id,
    service: c.service,
    service_version: c.service_version,
    schema: c.schema,
    connected_by: c.connected_by,
    created_at: c.created_at,
    succeeded_at: c.succeeded_at,
    failed_at: c.failed_at,
    paused: c.paused,
    pause_after_trial: c.pause_after_trial,
    sync_frequency: c.sync_frequency,
    daily_sync_time: c.daily_sync_time,
    schedule_type: c.schedule_type,
    data_delay_sensitivity: c.data_delay_sensitivity,
    data_delay_threshold: c.data_delay_threshold,
    networking_method: c.networking_method,
    destination_schema_names: c.destination_schema_names,
    status: {
      setup_state: c.status.setup_state,
      schema_status: c.status.schema_status,
      sync_state: c.status.sync_state,
      update_state: c.status.update_state,
      is_historical_sync: c.status.is_historical_sync,
      rescheduled_for: c.status.rescheduled_for,
      tasks: c.status.tasks.map(noticeView),
      warnings: c.status.warnings.map(noticeView),
    },
    setup_tests: c.setup_tests.map((test) => ({ ...test })),
    config: { ...c.config },
  };
}

export function groupView(group: SimGroup): Json {
  return { id: group.id, name: group.name, created_at: group.created_at };
}

export function destinationView(d: SimDestination, details: boolean): Json {
  const view: Json = {
    id: d.id,
    service: d.service,
    region: d.region,
    group_id: d.group_id,
    time_zone_offset: d.time_zone_offset,
    setup_status: d.setup_status,
    daylight_saving_time_enabled: d.daylight_saving_time_enabled,
    networking_method: d.networking_method,
    private_link_id: null,
    hybrid_deployment_agent_id: null,
    proxy_agent_id: null,
    external_secrets_manager_id: null,
  };
  // The list item (`DestinationResponse`) is the details minus setup tests.
  if (details) view.setup_tests = d.setup_tests.map((test) => ({ ...test }));
  view.config = { ...d.config };
  return view;
}

/** The API's view of a webhook: the secret never leaves, only its mask. */
export function webhookView(webhook: SimWebhook): Json {
  const view: Json = {
    id: webhook.id,
    type: webhook.type,
    url: webhook.url,
    events: [...webhook.events],
    active: webhook.active,
    created_at: webhook.created_at,
    created_by: webhook.created_by,
  };
  if (webhook.type === 'group' && webhook.group_id) view.group_id = webhook.group_id;
  if (webhook.secret) view.secret = '******';
  return view;
}

/** A sync-history item: `sync_id`, `start_time`, `end_time` (null while running), `status`, `reason`. */
export function runView(run: SimRun): Json {
  return {
    sync_id: run.sync_id,
    start_time: iso(run.started_ms),
    end_time: run.ended_ms === null ? null : iso(run.ended_ms),
    status: run.status,
    reason: run.reason,
  };
}

export function transformationView(t: SimTransformation): Json {
  return {
    id: t.id,
    status: t.status,
    schedule: {
      schedule_type: t.schedule.schedule_type,
      connection_ids: [...t.schedule.connection_ids],
      interval: t.schedule.interval,
      time_of_day: t.schedule.time_of_day,
      smart_syncing: t.schedule.smart_syncing,
      cron: [],
      days_of_week: [],
    },
    type: t.type,
    paused: t.paused,
    created_at: t.created_at,
    created_by_id: t.created_by_id,
    last_started_at: t.last_started_at,
    last_ended_at: t.last_ended_at,
    output_model_names: [...t.output_model_names],
    transformation_config: structuredClone(t.transformation_config),
  };
}
