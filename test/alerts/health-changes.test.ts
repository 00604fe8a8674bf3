import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  eventBridgeHealthNotifier,
  HEALTH_EVENT_DETAIL_TYPE,
  HEALTH_EVENT_SOURCE,
} from '#commons/alerts/eventbridge-notifier';
import { fanOutHealthNotifier } from '#commons/alerts/fan-out-notifier';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import type { HealthChange } from '#commons/ingest/health-notifier';
import { HEALTH_CHANGES_KEY } from '#commons/store/table/keys';
import { connection, type ReadFixture, startReadFixture } from '../support/http-fixture.ts';

const base = {
  connector_type: 'postgres',
  connector_id: 'pg',
  connector_name: 'pg_schema',
  destination_group_id: 'warehouse',
};
const syncEnd = (sync_id: string, created: string, status: string) => ({
  ...base,
  event: 'sync_end',
  created,
  sync_id,
  data: { status, ...(status === 'SUCCESSFUL' ? {} : { reason: `${status} reason` }) },
});

describe('Health changes: one event per real change, none for duplicates or no-ops', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('notifies each real change once; duplicate deliveries, same-health updates and no-op saves notify nothing', async () => {
    // Act
    await fx.deliver(syncEnd('s1', '2026-06-01T10:00:00.000Z', 'SUCCESSFUL'));
    await fx.deliver(syncEnd('s2', '2026-06-01T11:00:00.000Z', 'FAILURE'));
    const afterFailure = fx.changes.length;
    await fx.deliver(syncEnd('s2', '2026-06-01T11:00:00.000Z', 'FAILURE')); // Fivetran's retry: same bytes
    await fx.deliver(syncEnd('s3', '2026-06-01T12:00:00.000Z', 'FAILURE_WITH_TASK')); // still failing
    await fx.writer.save('pg', (current) => current); // a sweep that finds nothing new
    const afterNoise = fx.changes.length;
    await fx.deliver(syncEnd('s2', '2026-06-01T11:00:00.000Z', 'FAILURE')); // a late duplicate again
    await fx.deliver(syncEnd('s4', '2026-06-01T13:00:00.000Z', 'SUCCESSFUL'));

    // Assess
    expect(afterFailure).toBe(2);
    expect(afterNoise).toBe(2);
    expect(fx.changes.map((c) => [c.previous, c.health])).toEqual([
      [null, 'healthy'],
      ['healthy', 'failing'],
      ['failing', 'healthy'],
    ]);
  });

  it('shows the real changes newest first in the summary (a first sighting is not a change)', async () => {
    // Act
    const summary = await fx.get('/api/summary');

    // Assess
    expect(summary.body.recent_health_changes).toEqual([
      {
        connection_id: 'pg',
        schema: 'pg_schema',
        service: 'postgres',
        group_id: 'warehouse',
        from: 'failing',
        to: 'healthy',
        // Healthy needs no reason; a failing change says why in Fivetran's words.
        reason: null,
        reason_code: null,
        since: null,
        at: expect.any(String),
      },
      {
        connection_id: 'pg',
        schema: 'pg_schema',
        service: 'postgres',
        group_id: 'warehouse',
        from: 'healthy',
        to: 'failing',
        reason: 'FAILURE reason',
        reason_code: 'sync_failed',
        since: expect.any(String),
        at: expect.any(String),
      },
    ]);
  });
});

describe('Recent health changes log', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  const change = (id: string, at: string): HealthChange => ({
    connection_id: id,
    group_id: 'g',
    service: 's',
    schema: id,
    previous: 'healthy',
    health: 'failing',
    health_reason: { code: 'sync_failed', message: 'FAILURE: timeout', since: at },
    last_sync: null,
    changed_at: at,
  });

  it('keeps every concurrent change, and shows the newest 20 by time whatever order they arrive in', async () => {
    // Prepare
    const log = healthChangeLog(fx.repositories.healthChanges);
    const minutes = Array.from({ length: 30 }, (_, i) => (i * 7) % 30); // a permutation of 0..29

    // Act
    await Promise.all(
      minutes.map((m) =>
        log.onHealthChange(change(`c${m}`, new Date(Date.UTC(2026, 5, 1, 10, m)).toISOString())),
      ),
    );
    const recent = await fx.repositories.healthChanges.recent();

    // Assess
    expect(recent.map((entry) => entry.connection_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `c${29 - i}`),
    );
  });

  it('stays bounded: a long run of changes is compacted to the newest ones', async () => {
    // Prepare
    const log = healthChangeLog(fx.repositories.healthChanges);

    // Act
    for (let i = 0; i < 100; i++) {
      await log.onHealthChange(change(`late${i}`, new Date(Date.UTC(2026, 5, 2, 0, 0, i)).toISOString()));
    }
    const { Item } = await fx.table.client.send(
      new GetCommand({ TableName: fx.table.tableName, Key: HEALTH_CHANGES_KEY }),
    );
    const recent = await fx.repositories.healthChanges.recent();

    // Assess
    expect((Item?.changes as unknown[] | undefined)?.length).toBeLessThan(40);
    expect(recent.map((entry) => entry.connection_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `late${99 - i}`),
    );
  });

  it('ignores first sightings', async () => {
    // Prepare
    const log = healthChangeLog(fx.repositories.healthChanges);
    const before = await fx.repositories.healthChanges.recent();

    // Act
    await log.onHealthChange({ ...change('new', '2030-01-01T00:00:00.000Z'), previous: null });

    // Assess
    expect(await fx.repositories.healthChanges.recent()).toEqual(before);
  });
});

describe('EventBridge health notifier', () => {
  const eventBridge = mockClient(EventBridgeClient);
  afterEach(() => {
    eventBridge.reset();
  });
  const change = (previous: HealthChange['previous'], health: HealthChange['health']): HealthChange => ({
    connection_id: 'pg',
    group_id: 'warehouse',
    service: 'postgres',
    schema: 'pg_schema',
    previous,
    health,
    health_reason:
      health === 'healthy'
        ? null
        : { code: 'sync_failed', message: 'FAILURE: disk full', since: '2026-06-01T11:00:00.000Z' },
    last_sync: {
      sync_id: 's2',
      status: 'FAILURE',
      started_at: null,
      ended_at: '2026-06-01T11:00:00.000Z',
      reason: 'disk full',
      source: 'webhook',
    },
    changed_at: '2026-06-01T11:00:01.000Z',
  });

  it('publishes a change to the default bus with our source, detail type and a detail without secrets', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });

    // Act
    await eventBridgeHealthNotifier(new EventBridgeClient({ region: 'eu-west-1' })).onHealthChange(
      change('healthy', 'failing'),
    );

    // Assess
    const [call] = eventBridge.commandCalls(PutEventsCommand);
    const entry = call?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'default',
      Source: HEALTH_EVENT_SOURCE,
      DetailType: HEALTH_EVENT_DETAIL_TYPE,
    });
    expect(JSON.parse(String(entry?.Detail))).toEqual({
      connection_id: 'pg',
      schema: 'pg_schema',
      service: 'postgres',
      group_id: 'warehouse',
      from: 'healthy',
      to: 'failing',
      reason: 'FAILURE: disk full',
      reason_code: 'sync_failed',
      since: '2026-06-01T11:00:00.000Z',
      at: '2026-06-01T11:00:01.000Z',
    });
  });

  it('publishes a first sighting only when the connection is already failing or delayed', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const notifier = eventBridgeHealthNotifier(new EventBridgeClient({ region: 'eu-west-1' }));

    // Act
    for (const health of ['healthy', 'paused', 'failing', 'delayed'] as const)
      await notifier.onHealthChange(change(null, health));

    // Assess
    expect(
      eventBridge
        .commandCalls(PutEventsCommand)
        .map((c) => JSON.parse(String(c.args[0].input.Entries?.[0]?.Detail)).to),
    ).toEqual(['failing', 'delayed']);
  });

  it('fails loudly on a rejected entry, and a fan-out still tells the other notifiers', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDenied', ErrorMessage: 'no' }] });
    const seen: string[] = [];
    const notifier = fanOutHealthNotifier([
      eventBridgeHealthNotifier(new EventBridgeClient({ region: 'eu-west-1' })),
      { onHealthChange: (c) => void seen.push(c.connection_id) },
    ]);

    // Act
    const outcome = notifier.onHealthChange(change('healthy', 'failing'));

    // Assess
    await expect(outcome).rejects.toThrow(/AccessDenied/);
    expect(seen).toEqual(['pg']);
  });
});

describe('A deleted connection keeps its health and leaves no change behind', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('notifies nothing when only deleted_at changes', async () => {
    // Prepare
    const live = connection('x', { health: 'failing' });
    await fx.writer.save('x', () => live);
    const before = fx.changes.length;

    // Act
    await fx.writer.save('x', () => ({ ...live, deleted_at: '2026-06-02T00:00:00.000Z' }));

    // Assess
    expect(fx.changes.length).toBe(before);
    expect((await fx.get('/api/connections/x')).body).toMatchObject({
      health: 'failing',
      deleted_at: '2026-06-02T00:00:00.000Z',
    });
  });
});
