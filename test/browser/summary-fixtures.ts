import { type Json, SPECS } from './fixtures.ts';

/** The account-level answers: sweep records and the summary, in the shape `GET /api/summary` returns. */

const MIN = 60_000;
const HOUR = 60 * MIN;

export function sweepRecord(id: string, now: number, outcome = 'succeeded'): Json {
  return {
    id,
    started_at: new Date(now - 4 * MIN).toISOString(),
    finished_at: outcome === 'running' ? null : new Date(now - 3 * MIN).toISOString(),
    outcome,
    requests: { total: 27, by_status: { '200': 27 } },
    connections_seen: SPECS.length,
    connections_written: 3,
    connections_deleted: 0,
    schema_fetches: 4,
    items_written: 9,
    webhook_active: true,
    error: null,
  };
}

export function summaryOf(connections: Json[], now: number, fields: Json = {}): Json {
  const by = { failing: 0, pending: 0, delayed: 0, paused: 0, healthy: 0 } as Record<string, number>;
  for (const c of connections) by[String(c.health)] = (by[String(c.health)] ?? 0) + 1;
  return {
    by_health: by,
    connections_total: connections.length,
    connections_deleted: 0,
    counted_at: new Date(now).toISOString(),
    last_webhook_at: new Date(now - 2 * MIN).toISOString(),
    last_sweep: sweepRecord('sweep-1', now),
    events_quarantined: 0,
    probes_answered: 1,
    webhook_active: true,
    registered_webhook: {
      webhook_id: 'calm_heron',
      url: 'https://example.com/webhooks/fivetran',
      registered_at: new Date(now - 30 * HOUR).toISOString(),
      group_id: null,
      active: true,
      active_checked_at: new Date(now - 3 * MIN).toISOString(),
    },
    recent_health_changes: [
      {
        connection_id: 'sf_prod',
        schema: 'salesforce_prod',
        service: 'salesforce',
        group_id: 'north_star',
        from: 'healthy',
        to: 'failing',
        reason: 'OAuth token expired for user integration@example.com',
        at: new Date(now - 95 * MIN).toISOString(),
      },
    ],
    sync_stats: accountSyncStats(now),
    mode: 'live',
    generated_at: new Date(now).toISOString(),
    ...fields,
  };
}

/** The account's 7-day sync figures as the sweep sums them: 9 failures in 237 finished runs, two slowest named. */
export function accountSyncStats(now: number): Json {
  return {
    runs: 240,
    succeeded: 228,
    failed: 9,
    success_rate: 228 / 237,
    connections_with_runs: 10,
    slowest: [
      {
        connection_id: 'pg_orders',
        schema: 'postgres_orders',
        service: 'postgres',
        runs: 30,
        duration_p50_s: 900,
        duration_p95_s: 2_700,
      },
      {
        connection_id: 'sf_prod',
        schema: 'salesforce_prod',
        service: 'salesforce',
        runs: 24,
        duration_p50_s: 255,
        duration_p95_s: 460,
      },
    ],
    since: new Date(now - 6 * 24 * HOUR).toISOString(),
    as_of: new Date(now - 3 * MIN).toISOString(),
  };
}

/** The summary of a webhook Fivetran disabled, as the sweep saw it `checkedMinAgo`. */
export function disabledWebhook(
  connections: Json[],
  now: number,
  checkedMinAgo: number,
  lastEventMinAgo: number,
): Json {
  const registered = (summaryOf(connections, now) as { registered_webhook: Json }).registered_webhook;
  return summaryOf(connections, now, {
    webhook_active: false,
    registered_webhook: {
      ...registered,
      active: false,
      active_checked_at: new Date(now - checkedMinAgo * MIN).toISOString(),
    },
    last_webhook_at: new Date(now - lastEventMinAgo * MIN).toISOString(),
  });
}
