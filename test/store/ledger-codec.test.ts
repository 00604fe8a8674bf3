import { createRequire } from 'node:module';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unknownConnection } from '#commons/connection/connection';
import { DAY_MS, foldRun, type SyncLedger } from '#commons/connection/sync-stats';
import { connectionItem, decodeConnection } from '#commons/store/repositories/connections';
import { decodeLedgerAttribute, encodeLedger } from '#commons/store/repositories/ledger-codec';
import { connectionKey } from '#commons/store/table/keys';
import { type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

/** DynamoDB's own item-size rule, as dynalite implements it. */
const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize(item: unknown): number;
};

const NOW = Date.parse('2026-06-08T12:00:00.000Z');
const HOUR = 3_600_000;

/** A week of hourly runs, one in eleven failed, durations of a few minutes. */
function weekOfHourlyRuns(): SyncLedger | null {
  let ledger: SyncLedger | null = null;
  for (let h = 168; h > 0; h--) {
    const end = NOW - h * HOUR;
    ledger = foldRun(
      ledger,
      {
        sync_id: `0f3c9a4e-1b2d-4c5e-9f60-${String(h).padStart(12, '0')}`,
        status: h % 11 === 0 ? 'FAILURE' : 'SUCCESSFUL',
        started_at: new Date(end - (200 + ((h * 37) % 400)) * 1000).toISOString(),
        ended_at: new Date(end).toISOString(),
      },
      NOW,
    );
  }
  return ledger;
}

const run = fc.record({
  sync_id: fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 })),
  status: fc.constantFrom('SUCCESSFUL', 'FAILURE', 'FAILURE_WITH_TASK', 'RESCHEDULED', 'weird'),
  startAgoMs: fc.integer({ min: 0, max: 8 * DAY_MS }),
  durationMs: fc.integer({ min: 0, max: 3 * DAY_MS }),
});

describe('Function: encodeLedger / decodeLedgerAttribute', () => {
  it('gives back exactly the roll-up it stored, for any runs folded in any order', () => {
    fc.assert(
      fc.property(fc.array(run, { maxLength: 60 }), fc.option(fc.nat(), { nil: null }), (runs, historyAt) => {
        // Prepare
        let ledger: SyncLedger | null = null;
        for (const r of runs) {
          const start = NOW - r.startAgoMs;
          ledger = foldRun(
            ledger,
            {
              sync_id: r.sync_id,
              status: r.status,
              started_at: new Date(start).toISOString(),
              ended_at: new Date(start + r.durationMs).toISOString(),
            },
            NOW,
            { gapAfterMs: 2 * HOUR },
          );
        }
        const stored = ledger === null ? null : { ...ledger, history_at: historyAt };

        // Act
        const back = decodeLedgerAttribute(encodeLedger(stored));

        // Assess
        expect(back).toEqual(stored);
      }),
      { numRuns: 300 },
    );
  });

  it('reads an unreadable value as no roll-up, and passes a map (the shape before the codec) on', () => {
    // Prepare
    const map = weekOfHourlyRuns();
    const unreadable = [
      '',
      'not json',
      '{"v":2,"d":[],"r":[]}',
      '{"v":1,"d":[[1,2]],"r":[]}',
      'x'.repeat(70_000),
    ];

    // Act / Assess
    for (const value of unreadable) expect(decodeLedgerAttribute(value)).toBeNull();
    expect(decodeLedgerAttribute(map)).toBe(map);
    expect(decodeLedgerAttribute(undefined)).toBeNull();
  });

  it('stores a week of hourly runs in under three quarters of the bytes DynamoDB counts for the map', () => {
    // Prepare
    const connection = {
      ...unknownConnection('weekly', new Date(NOW).toISOString()),
      sync_ledger: weekOfHourlyRuns(),
    };
    const asMap = { ...connectionItem(connection), sync_ledger: connection.sync_ledger };

    // Act
    const ledgerAsString = dynaliteDb.itemSize(
      marshall({ sync_ledger: connectionItem(connection).sync_ledger }),
    );
    const ledgerAsMap = dynaliteDb.itemSize(marshall({ sync_ledger: asMap.sync_ledger }));
    const itemBytes = dynaliteDb.itemSize(
      marshall(connectionItem(connection), { removeUndefinedValues: true }),
    );

    // Assess
    expect(typeof connectionItem(connection).sync_ledger).toBe('string');
    expect(ledgerAsString).toBeLessThan(ledgerAsMap * 0.75);
    expect(decodeConnection(connectionItem(connection)).sync_ledger).toEqual(connection.sync_ledger);
    console.log(`ledger: ${ledgerAsString} B as a string, ${ledgerAsMap} B as a map; item ${itemBytes} B`);
  });
});

describe('Store: a connection’s roll-up in the table', () => {
  let fx: StoreFixture;
  beforeAll(async () => {
    fx = await startStoreFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('comes back from the table as written, and a corrupt one leaves the connection readable', async () => {
    // Prepare
    const ledger = weekOfHourlyRuns();
    const { connections } = fx.repositories;
    await connections.update('rolled', () => ({
      ...unknownConnection('rolled', new Date(NOW).toISOString()),
      service: 'postgres',
      sync_ledger: ledger,
    }));
    const { documentClient: client, tableName } = fx.dynamo;
    const raw = (await client.send(new GetCommand({ TableName: tableName, Key: connectionKey('rolled') })))
      .Item;

    // Act
    const read = await connections.get('rolled');
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...raw, sync_ledger: '{"v":1,"d":[[' } }),
    );
    const corrupt = await connections.get('rolled');

    // Assess
    expect(typeof raw?.sync_ledger).toBe('string');
    expect(read?.sync_ledger).toEqual(ledger);
    expect(corrupt).toMatchObject({ id: 'rolled', service: 'postgres', sync_ledger: null });
  });
});
