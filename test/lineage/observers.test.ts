import { afterEach, describe, expect, it } from 'vitest';
import { schemaConfigSchema } from '#commons/fivetran/schemas';
import { lazyObserver } from '#commons/ingest/lazy-observer';
import type { EventObserver } from '#commons/ingest/record-event';
import { UNKNOWN_ACCOUNT } from '#commons/lineage/lineage-observer';
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import { deriveDestinationTables } from '#commons/tables/destination-tables';
import { openCore } from '../support/core.ts';
import { delivery, events, manualClock, record } from '../support/store-fixture.ts';
import { postgresConfig } from '../tables/table-fixtures.ts';
import { openLineageErrors } from './openlineage-validator.ts';

const CONNECTION = 'halting_precinct';

async function setup(openLineage: { namespace: string | null } | null) {
  const dynamo = await startLocalDynamo();
  const clock = manualClock('2026-05-01T10:10:00.000Z');
  const core = openCore(
    { client: dynamo.documentClient, tableName: dynamo.tableName },
    { now: clock.now, openLineage },
  );
  const { repositories } = core;
  await repositories.tables.saveSet(
    null,
    deriveDestinationTables(
      { id: CONNECTION, schema: 'shop_pg', service: 'postgres', group_id: 'group_a' },
      schemaConfigSchema.parse(postgresConfig()),
    ),
  );
  await repositories.lineageNaming.save('destination', 'group_a', {
    service: 'snowflake',
    config: { host: 'acme-analytics.snowflakecomputing.com', database: 'RAW' },
  });
  await repositories.lineageNaming.save('connection', CONNECTION, {
    service: 'postgres',
    config: { host: 'db.shop.example', port: 5432, database: 'shop' },
  });
  await repositories.lineageNaming.saveAccountId('acct_cobalt');
  const pending = async () => {
    const claims = await repositories.lineageOutbox.claimDue(clock.now() + 3_600_000, 100, 60_000);
    return claims.map((c) => c.item.event);
  };
  return { dynamo, core, clock, pending };
}

describe('the observers on the event recorder', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('enqueues a START and the end that won its run, never a late older end', async () => {
    // Prepare: the sync failed, was retried and succeeded; the failure's webhook arrives last.
    const fx = await setup({ namespace: null });
    close = () => fx.dynamo.close();
    const hooks = events(CONNECTION);
    const start = hooks.syncStart('sync-7', '2026-05-01T10:00:00.000Z');
    const success = hooks.syncEnd('sync-7', '2026-05-01T10:08:00.000Z', 'SUCCESSFUL');
    const olderFailure = hooks.syncEnd('sync-7', '2026-05-01T10:04:00.000Z', 'FAILURE', {
      reason: 'timeout',
    });

    // Act
    for (const d of [start, success, olderFailure, start]) await record(fx.core.recorder, d);
    const queued = await fx.pending();

    // Assess
    expect(queued.map((e) => e.eventType).sort()).toEqual(['COMPLETE', 'START']);
    for (const event of queued) expect(openLineageErrors(event)).toEqual([]);
    const complete = queued.find((e) => e.eventType === 'COMPLETE');
    // The job is the connection's schema (the webhook's connector_name here: no sweep has run).
    expect(complete?.job).toMatchObject({
      namespace: 'fivetran://acct_cobalt',
      name: 'halting_precinct_schema',
    });
    expect(complete?.outputs.map((o) => o.namespace)).toEqual(
      complete?.outputs.map(() => 'snowflake://acme-analytics'),
    );
    expect(complete?.inputs.every((i) => i.namespace === 'postgres://db.shop.example:5432')).toBe(true);
  });

  it('enqueues a FAIL with the reason when the failure is the newest end', async () => {
    // Prepare
    const fx = await setup({ namespace: 'fivetran-prod' });
    close = () => fx.dynamo.close();
    const hooks = events(CONNECTION);

    // Act
    await record(fx.core.recorder, hooks.syncStart('sync-8', '2026-05-01T10:00:00.000Z'));
    await record(
      fx.core.recorder,
      hooks.syncEnd('sync-8', '2026-05-01T10:03:00.000Z', 'FAILURE_WITH_TASK', {
        reason: 'permission denied',
      }),
    );
    const queued = await fx.pending();

    // Assess
    const fail = queued.find((e) => e.eventType === 'FAIL');
    expect(fail?.job.namespace).toBe('fivetran-prod');
    expect(JSON.stringify(fail?.run)).toContain('permission denied');
    expect(openLineageErrors(fail)).toEqual([]);
  });

  it('enqueues nothing while OpenLineage is off, nor for the dummy connection', async () => {
    // Prepare
    const off = await setup(null);
    const on = await setup({ namespace: null });
    close = async () => {
      await off.dynamo.close();
      await on.dynamo.close();
    };
    const dummy = events('_connector_1');

    // Act
    await record(off.core.recorder, events(CONNECTION).syncStart('s', '2026-05-01T10:00:00.000Z'));
    await record(on.core.recorder, dummy.syncStart('s', '2026-05-01T10:00:00.000Z'));

    // Assess
    expect(await off.pending()).toEqual([]);
    expect(await on.pending()).toEqual([]);
  });

  it('names the default namespace as unknown until a sweep read the account id', async () => {
    // Prepare
    const dynamo = await startLocalDynamo();
    close = () => dynamo.close();
    const core = openCore(
      { client: dynamo.documentClient, tableName: dynamo.tableName },
      { openLineage: { namespace: null } },
    );

    // Act
    await record(core.recorder, events(CONNECTION).syncStart('s', '2026-05-01T10:00:00.000Z'));
    const [claim] = await core.repositories.lineageOutbox.claimDue(Date.now() + 60_000, 5, 1_000);

    // Assess: no destination naming known either: the account-scoped fallback, never a guessed platform.
    expect(claim?.item.event.job.namespace).toBe(`fivetran://${UNKNOWN_ACCOUNT}`);
    expect(claim?.item.event.outputs).toEqual([]);
  });

  it('applies transformation webhooks newest first, creating the record the sweep has not listed yet', async () => {
    // Prepare
    const dynamo = await startLocalDynamo();
    close = () => dynamo.close();
    const core = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    const run = (event: string, created: string, data: Record<string, unknown> = {}) =>
      delivery({ event, created, data: { transformation_id: 'tr_1', ...data } });

    // Act
    await record(core.recorder, run('transformation_run_start', '2026-05-01T10:00:00.000Z'));
    await record(
      core.recorder,
      run('transformation_run_failed', '2026-05-01T10:05:00.000Z', { reason: 'boom' }),
    );
    await record(core.recorder, run('transformation_run_succeeded', '2026-05-01T10:01:00.000Z'));
    const stored = await core.repositories.transformations.get('tr_1');

    // Assess
    expect(stored).toMatchObject({
      status: 'FAILED',
      last_started_at: '2026-05-01T10:00:00.000Z',
      last_ended_at: '2026-05-01T10:05:00.000Z',
      health: 'failing',
      health_reason: { code: 'transformation_failed', message: 'boom' },
    });
  });

  it('loads a lazy observer once, only for the events it cares about, and again after a failed load', async () => {
    // Prepare
    let loads = 0;
    const seen: string[] = [];
    const observer: EventObserver = {
      onRecorded: async ({ event }) => void seen.push(event.event),
    };
    const lazy = lazyObserver(
      (event) => event.startsWith('dbt_run'),
      async () => {
        loads++;
        if (loads === 1) throw new Error('not yet');
        return observer;
      },
    );
    const recorded = (name: string) => ({
      event: delivery({ event: name }).event,
      eventId: name,
      duplicate: false,
      run: null,
      connection: null,
    });

    // Act
    await lazy.onRecorded(recorded('sync_start'));
    const failed = await lazy.onRecorded(recorded('dbt_run_start')).catch((e: Error) => e.message);
    await lazy.onRecorded(recorded('dbt_run_succeeded'));
    await lazy.onRecorded(recorded('dbt_run_failed'));

    // Assess
    expect(failed).toBe('not yet');
    expect(loads).toBe(2);
    expect(seen).toEqual(['dbt_run_succeeded', 'dbt_run_failed']);
  });
});
