import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSyncRun } from '#commons/connection/sync-run';
import { syncRunKey } from '#commons/store/table/keys';
import { events, record, type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

const DAY = 86_400_000;

describe('sync runs follow EVENT_RETENTION_DAYS', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await startStoreFixture({ retentionDays: 3 });
  });
  afterEach(() => fx.close());

  const rawItem = async (syncId: string) => {
    const { Item } = await fx.dynamo.documentClient.send(
      new GetCommand({ TableName: fx.dynamo.tableName, Key: syncRunKey('conn_r', syncId) }),
    );
    return Item;
  };

  async function seed() {
    const at = new Date(fx.clock.now()).toISOString();
    await record(fx.recorder, events('conn_r').syncStart('by-webhook', at));
    await record(fx.recorder, events('conn_r').syncEnd('by-webhook', at, 'SUCCESSFUL'));
    await fx.repositories.syncRuns.putFromHistory({
      ...newSyncRun('conn_r', 'by-history'),
      status: 'SUCCESSFUL',
      source: 'history',
      started_at: at,
      ended_at: at,
      end_as_of: fx.clock.now(),
    });
  }

  it('stamps every run, webhook or history, with the TTL of its last write', async () => {
    // Act
    await seed();

    // Assess
    const expected = Math.floor(fx.clock.now() / 1000) + 3 * 86_400;
    expect((await rawItem('by-webhook'))?.expires_at).toBe(expected);
    expect((await rawItem('by-history'))?.expires_at).toBe(expected);
  });

  it('stops listing runs once they expired, before DynamoDB’s TTL removes them', async () => {
    // Prepare
    await seed();
    const startMs = fx.clock.now();
    fx.clock.advance(3 * DAY - 1_000);
    const kept = await fx.repositories.syncRuns.listRecent('conn_r');

    // Act
    fx.clock.advance(2_000);
    const recent = await fx.repositories.syncRuns.listRecent('conn_r');
    const page = await fx.repositories.syncRuns.listPage('conn_r', {}, { limit: 10, cursor: null });
    const since = await fx.repositories.syncRuns.listSince('conn_r', startMs - DAY, 100);

    // Assess
    expect(kept.map((run) => run.sync_id).sort()).toEqual(['by-history', 'by-webhook']);
    expect(recent).toEqual([]);
    expect(page.items).toEqual([]);
    expect(since).toEqual([]);
    // Still in the table (TTL is garbage collection only): the reads filtered them.
    expect(await rawItem('by-webhook')).toBeDefined();
  });
});
