import type { AlertChannels } from '#commons/alerts/alert-config';
import type { AlertChangeInput, AlertLogger } from '#commons/alerts/alert-model';
import type { NoiseSettings } from '#commons/alerts/noise-control';

/** A connection turning failing, as the store reports it (values invented for these tests). */
export function failingChange(overrides: Partial<AlertChangeInput> = {}): AlertChangeInput {
  return {
    connection_id: 'quiet_harbor',
    group_id: 'lunar_otter',
    service: 'postgres',
    schema: 'orders_db',
    group_name: 'Warehouse',
    destination_service: 'snowflake',
    previous: 'healthy',
    health: 'failing',
    health_reason: {
      code: 'sync_failed',
      message: 'Permission denied for table orders',
      since: '2026-03-02T10:00:00.000Z',
    },
    changed_at: '2026-03-02T10:00:00.000Z',
    ...overrides,
  };
}

export const NOISE_DEFAULTS: NoiseSettings = {
  quietMinutes: 10,
  on: null,
  groups: null,
  services: null,
  pausedHours: null,
};

export const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

export function channelsFor(urls: { slack?: string; teams?: string; pagerduty?: string }): AlertChannels {
  return {
    slack: urls.slack ? { url: urls.slack } : null,
    teams: urls.teams ? { url: urls.teams } : null,
    pagerduty: urls.pagerduty ? { routingKey: ROUTING_KEY, eventsUrl: urls.pagerduty } : null,
  };
}

export interface CapturedLog {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export function capturingLogger(): AlertLogger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const log =
    (level: CapturedLog['level']) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, message, fields });
    };
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/** A clock the test moves by hand. */
export function manualClock(start: string) {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(iso: string) {
      now = Date.parse(iso);
    },
  };
}

export const at = (base: string, seconds: number) =>
  new Date(Date.parse(base) + seconds * 1_000).toISOString();
