import { describe, expect, it } from 'vitest';
import { runAlertClock, type SnapshotSource } from '#commons/alerts/alert-clock';
import { parseAlertConfig } from '#commons/alerts/alert-config';
import { memoryAlertOutbox } from '#commons/alerts/memory-alert-outbox';
import type { ConnectionSnapshot } from '#commons/alerts/scheduled-alerts';

const config = parseAlertConfig({
  SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T/B/x',
  ALERT_DIGEST_AT: '09:00 Europe/Paris',
  ALERT_PAUSED_HOURS: '24',
});

function snapshot(id: string, health: ConnectionSnapshot['health'], since: string): ConnectionSnapshot {
  return {
    connection: {
      id,
      schema: `${id}_db`,
      service: 'postgres',
      group_id: 'g',
      group_name: null,
      destination_service: null,
    },
    health,
    health_reason: { code: health === 'paused' ? 'paused' : 'sync_failed', message: 'x', since },
  };
}

const source: SnapshotSource = async (health) =>
  ({
    failing: [snapshot('broken_pipe', 'failing', '2026-03-01T12:00:00.000Z')],
    delayed: [],
    paused: [
      snapshot('long_nap', 'paused', '2026-03-01T06:00:00.000Z'),
      snapshot('short_nap', 'paused', '2026-03-02T07:00:00.000Z'),
    ],
  })[health];

describe('the alert clock (digest and pause reminders)', () => {
  it('enqueues the day’s digest once within its grace hour, and reminders for pauses past ALERT_PAUSED_HOURS', async () => {
    // Prepare: 09:00 in Paris on 2 March is 08:00 UTC.
    const outbox = memoryAlertOutbox();
    const run = (iso: string) =>
      runAlertClock({ snapshots: source, outbox, config, now: () => new Date(iso) });

    // Act
    const before = await run('2026-03-02T07:59:00.000Z');
    const at = await run('2026-03-02T08:05:00.000Z');
    const again = await run('2026-03-02T08:30:00.000Z');
    const late = await run('2026-03-02T09:30:00.000Z');

    // Assess
    expect(before.digest).toBeNull();
    expect([at.digest, again.digest, late.digest]).toEqual(['2026-03-02', '2026-03-02', null]);
    const items = outbox.items();
    const digests = items.filter((i) => i.message.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]?.message).toMatchObject({ total: 1, entries: [{ connection: { id: 'broken_pipe' } }] });
    const reminders = items.filter((i) => i.message.kind === 'paused_long');
    expect(reminders.map((i) => i.intent_key)).toEqual(['paused:long_nap:2026-03-01T06:00:00.000Z']);
    expect(at.pausedReminders).toBe(1);
  });

  it('does nothing without a channel', async () => {
    // Prepare
    const outbox = memoryAlertOutbox();

    // Act
    const report = await runAlertClock({
      snapshots: source,
      outbox,
      config: { ...config, channels: { slack: null, teams: null, pagerduty: null } },
      now: () => new Date('2026-03-02T08:05:00.000Z'),
    });

    // Assess
    expect(report).toEqual({ digest: null, pausedReminders: 0 });
    expect(outbox.items()).toEqual([]);
  });
});
