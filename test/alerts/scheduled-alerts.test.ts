import { describe, expect, it } from 'vitest';
import type { AlertHealth, ConnectionRef } from '#commons/alerts/alert-model';
import { applyPlan } from '#commons/alerts/alert-outbox';
import { memoryAlertOutbox } from '#commons/alerts/memory-alert-outbox';
import { planChange } from '#commons/alerts/noise-control';
import {
  type ConnectionSnapshot,
  nextDigestAt,
  planDigest,
  planPausedReminders,
} from '#commons/alerts/scheduled-alerts';
import { failingChange, NOISE_DEFAULTS } from './support/alert-fixtures.ts';

const UTC_NINE = { hour: 9, minute: 0, timeZone: 'UTC' };
const PARIS_NINE = { hour: 9, minute: 0, timeZone: 'Europe/Paris' };

function snapshot(id: string, health: AlertHealth, since: string | null, extra: Partial<ConnectionRef> = {}) {
  const connection: ConnectionRef = {
    id,
    schema: id,
    service: 'postgres',
    group_id: 'lunar_otter',
    group_name: null,
    destination_service: null,
    ...extra,
  };
  const reason = health === 'healthy' ? null : { code: health, message: `${id} is ${health}`, since };
  return { connection, health, health_reason: reason } satisfies ConnectionSnapshot;
}

describe('digest schedule', () => {
  it('is next due at the configured UTC time, today or tomorrow', () => {
    // Act + Assess
    expect(nextDigestAt(UTC_NINE, new Date('2026-03-02T08:59:59Z')).toISOString()).toBe(
      '2026-03-02T09:00:00.000Z',
    );
    expect(nextDigestAt(UTC_NINE, new Date('2026-03-02T09:00:00Z')).toISOString()).toBe(
      '2026-03-03T09:00:00.000Z',
    );
  });

  it('follows the wall clock of its zone across daylight saving time', () => {
    // Act
    const winter = nextDigestAt(PARIS_NINE, new Date('2026-03-28T12:00:00Z'));
    const summer = nextDigestAt(PARIS_NINE, new Date('2026-03-29T12:00:00Z'));

    // Assess (Paris moves from UTC+1 to UTC+2 on 29 March 2026)
    expect(winter.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(summer.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });
});

describe('digest content', () => {
  it('lists what is still failing or delayed, failing first and oldest first, once per local day', () => {
    // Prepare
    const connections = [
      snapshot('fresh_fail', 'failing', '2026-03-02T08:00:00Z'),
      snapshot('slow', 'delayed', '2026-03-01T08:00:00Z'),
      snapshot('old_fail', 'failing', '2026-02-20T08:00:00Z'),
      snapshot('fine', 'healthy', null),
      snapshot('resting', 'paused', '2026-02-01T08:00:00Z'),
      snapshot('elsewhere', 'failing', '2026-02-01T08:00:00Z', { group_id: 'other_group' }),
    ];

    // Act
    const intent = planDigest(connections, new Date('2026-03-02T23:30:00Z'), PARIS_NINE, {
      ...NOISE_DEFAULTS,
      groups: ['lunar_otter'],
    });

    // Assess
    expect(intent.key).toBe('digest:2026-03-03');
    expect(intent.message).toMatchObject({ kind: 'digest', total: 3, counts: { failing: 2, delayed: 1 } });
    const ids = intent.message.kind === 'digest' ? intent.message.entries.map((e) => e.connection.id) : [];
    expect(ids).toEqual(['old_fail', 'fresh_fail', 'slow']);
  });

  it('bounds the list and keeps the full count', () => {
    // Prepare
    const many = Array.from({ length: 500 }, (_, i) => snapshot(`c${i}`, 'failing', null));

    // Act
    const intent = planDigest(many, new Date('2026-03-02T09:00:00Z'), UTC_NINE, NOISE_DEFAULTS);

    // Assess
    expect(intent.message.kind === 'digest' && intent.message.entries.length).toBe(50);
    expect(intent.message).toMatchObject({ total: 500 });
  });
});

describe('pause reminders catch-up', () => {
  it('reminds of connections paused longer than the threshold, with the keys planChange uses', async () => {
    // Prepare
    const settings = { ...NOISE_DEFAULTS, pausedHours: 24 };
    const outbox = memoryAlertOutbox();
    const since = '2026-03-01T08:00:00.000Z';
    const pause = planChange(
      null,
      failingChange({ health: 'paused', health_reason: { code: 'paused', message: 'Paused', since } }),
      settings,
    );
    await applyPlan(outbox, pause, ['slack'], new Date(since));
    const connections = [
      snapshot('quiet_harbor', 'paused', since, { group_id: 'lunar_otter' }),
      snapshot('recent_pause', 'paused', '2026-03-02T08:00:00.000Z'),
    ];

    // Act
    const reminders = planPausedReminders(connections, new Date('2026-03-02T09:00:00Z'), settings);
    await applyPlan(outbox, { enqueue: reminders, cancel: [] }, ['slack'], new Date('2026-03-02T09:00:00Z'));

    // Assess
    expect(reminders.map((r) => r.key)).toEqual([`paused:quiet_harbor:${since}`]);
    expect(outbox.items().filter((item) => item.message.kind === 'paused_long')).toHaveLength(1);
    expect(planPausedReminders(connections, new Date(), NOISE_DEFAULTS)).toEqual([]);
  });
});
