import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertConfig } from '#commons/alerts/alert-config';
import { planRecordedChanges } from '#commons/alerts/alert-planner';
import { planChange } from '#commons/alerts/noise-control';
import { tableAlertOutbox } from '#commons/alerts/table-alert-outbox';
import { alertChangeRecorder, type RecordedHealthChange } from '#commons/store/repositories/alert-inbox';
import { alertInboxRepository } from '#commons/store/repositories/alert-inbox-reader';
import { alertOutboxRepository } from '#commons/store/repositories/alert-outbox';
import { type AlertStateRepository, alertStateRepository } from '#commons/store/repositories/alert-states';
import type { TableRef } from '#commons/store/table/table-ref';
import { startFreshTables } from '../store/support/fresh-tables.ts';
import { capturingLogger, ROUTING_KEY } from './support/alert-fixtures.ts';

let tables: Awaited<ReturnType<typeof startFreshTables>>;
beforeAll(async () => {
  tables = await startFreshTables();
});
afterAll(() => tables?.close());

const T0 = '2026-03-02T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1_000).toISOString();
const config = parseAlertConfig({
  SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T/B/x',
  PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
});

function change(overrides: Partial<RecordedHealthChange> = {}): RecordedHealthChange {
  return {
    connection_id: 'quiet_harbor',
    group_id: 'lunar_otter',
    service: 'postgres',
    schema: 'orders_db',
    previous: 'healthy',
    health: 'failing',
    health_reason: { code: 'sync_failed', message: 'Timeout', since: T0 },
    changed_at: T0,
    ...overrides,
  };
}

function rig(table: TableRef, states: AlertStateRepository = alertStateRepository(table)) {
  const outboxRepository = alertOutboxRepository(table);
  const logger = capturingLogger();
  return {
    recorder: alertChangeRecorder(table),
    inbox: alertInboxRepository(table),
    outboxRepository,
    logger,
    plan: (overrides: { now?: string; settleMs?: number } = {}) =>
      planRecordedChanges({
        inbox: alertInboxRepository(table),
        states,
        outbox: tableAlertOutbox(outboxRepository, logger),
        config,
        groups: async () =>
          new Map([
            [
              'lunar_otter',
              {
                id: 'lunar_otter',
                name: 'Warehouse',
                created_at: null,
                destination: {
                  id: 'lunar_otter',
                  service: 'snowflake',
                  region: null,
                  setup_status: null,
                  time_zone_offset: null,
                },
                updated_at: T0,
                schema_version: 2,
              },
            ],
          ]),
        logger,
        now: () => new Date(overrides.now ?? at(5)),
        ...(overrides.settleMs !== undefined ? { settleMs: overrides.settleMs } : {}),
      }),
  };
}

describe('planning kept health changes into alerts', () => {
  it('plans each kept change once, with its group joined in, and empties the inbox', async () => {
    // Prepare
    const table = await tables.table();
    const r = rig(table);
    await r.recorder.record(change(), Date.parse(T0));

    // Act
    const first = await r.plan();
    const second = await r.plan();

    // Assess
    expect(first).toMatchObject({ planned: 1, outcomes: { sent: 1 } });
    expect(second.planned).toBe(0);
    expect(await r.inbox.oldest(10)).toEqual([]);
    const slack = await r.outboxRepository.get(`change:quiet_harbor:${T0}#slack`);
    expect(slack?.message).toMatchObject({
      kind: 'change',
      connection: { group_name: 'Warehouse', destination_service: 'snowflake' },
    });
    expect(await r.outboxRepository.get(`change:quiet_harbor:${T0}#pagerduty`)).not.toBeNull();
  });

  it('two passes planning the same change at once store its message once and agree on the state', async () => {
    // Prepare
    const table = await tables.table();
    const a = rig(table);
    const b = rig(table);
    await a.recorder.record(change(), Date.parse(T0));

    // Act
    const reports = await Promise.all([a.plan(), b.plan()]);
    const claimed = await a.outboxRepository.claimDue(new Date(at(6)), 10, 60_000);

    // Assess
    expect(reports.reduce((sum, report) => sum + report.planned, 0)).toBeGreaterThanOrEqual(1);
    expect(claimed.map((item) => item.channel).sort()).toEqual(['pagerduty', 'slack']);
    const { state } = await alertStateRepository(table).get('quiet_harbor');
    expect((state as { recent: unknown[] }).recent).toHaveLength(1);
  });

  it('re-plans when another pass wrote the state first, withdrawing what the newer state makes stale', async () => {
    // Prepare: between this pass's read and its write, another pass plans a newer change of the connection.
    const table = await tables.table();
    const real = alertStateRepository(table);
    const newer = change({ previous: 'failing', health: 'healthy', health_reason: null, changed_at: at(2) });
    let raced = false;
    const racing: AlertStateRepository = {
      get: (id) => real.get(id),
      async put(id, state, version) {
        if (!raced) {
          raced = true;
          const competitor = planChange(null, newer, config);
          await real.put(id, competitor.state, version);
        }
        return real.put(id, state, version);
      },
    };
    const r = rig(table, racing);
    await r.recorder.record(change(), Date.parse(T0));

    // Act
    const report = await r.plan();

    // Assess: planned again from the winner's state, the older change is stale; its first enqueue withdrawn.
    expect(report.outcomes).toEqual({ stale: 1 });
    expect((await r.outboxRepository.get(`change:quiet_harbor:${T0}#slack`))?.status).toBe('cancelled');
    expect(await r.outboxRepository.claimDue(new Date(at(10)), 10, 60_000)).toEqual([]);
  });

  it('leaves a change kept moments ago for the next pass when asked to let the index settle', async () => {
    // Prepare
    const table = await tables.table();
    const r = rig(table);
    await r.recorder.record(change(), Date.parse(at(4)));

    // Act
    const early = await r.plan({ now: at(5), settleMs: 3_000 });
    const later = await r.plan({ now: at(8), settleMs: 3_000 });

    // Assess
    expect(early).toMatchObject({ planned: 0, waiting: true });
    expect(later).toMatchObject({ planned: 1, waiting: false });
  });

  it('with no channel configured, removes kept changes without planning them', async () => {
    // Prepare
    const table = await tables.table();
    const r = rig(table);
    await r.recorder.record(change(), Date.parse(T0));

    // Act
    const report = await planRecordedChanges({
      inbox: r.inbox,
      states: alertStateRepository(table),
      outbox: tableAlertOutbox(r.outboxRepository),
      config: parseAlertConfig({}),
      logger: r.logger,
      now: () => new Date(at(5)),
    });

    // Assess
    expect(report).toMatchObject({ planned: 0, discarded: 1 });
    expect(await r.inbox.oldest(10)).toEqual([]);
    expect(await r.outboxRepository.oldestPending()).toBeNull();
  });
});
