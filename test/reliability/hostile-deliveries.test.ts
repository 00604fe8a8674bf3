import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_FLUSH_INTERVAL_MS } from '#commons/ingest/record-event';
import { MAX_LABEL_LENGTH } from '#commons/lib/text';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { type WebhookRoute, webhookRoute } from './support/webhook-route.ts';

const SECRET = 'hostile-deliveries-webhook-secret-0123456789';
const RECEIVED = Date.parse('2026-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('signed deliveries that used to be refused forever', () => {
  let dynamo: LocalDynamo;
  let clock: number;
  let route: WebhookRoute;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await waitForActiveTable(dynamo.client, dynamo.tableName);
    clock = RECEIVED;
    route = webhookRoute(dynamo.documentClient, dynamo.tableName, SECRET, () => clock);
  });
  afterAll(() => dynamo.close());

  it.each([
    ['connector_type', { connector_type: 'p'.repeat(205_000) }],
    ['event', { event: `sync_end${'e'.repeat(205_000)}` }],
  ])(
    'stores a sync_end with a 205 KB `%s`: 200, the indexed copy clipped, the body kept whole',
    async (field, fields) => {
      // Prepare
      const payload = {
        event: 'sync_end',
        created: iso(RECEIVED - 1000),
        connector_id: `conn_${field}`,
        connector_name: 'pg',
        destination_group_id: 'g1',
        sync_id: `sync_${field}`,
        data: { status: 'SUCCESSFUL' },
        ...fields,
      };
      const body = JSON.stringify(payload);

      // Act
      const status = await route.deliver(body);

      // Assess
      expect(status).toBe(200);
      expect(route.failures).toEqual([]);
      const page = await route.repositories.events.listOfConnection(`conn_${field}`, {
        limit: 5,
        cursor: null,
      });
      expect(page.items).toHaveLength(1);
      const stored = page.items[0];
      expect(stored?.body).toBe(body);
      const copy = field === 'event' ? stored?.event : stored?.service;
      expect(copy?.length).toBe(MAX_LABEL_LENGTH);
      const connection = await route.repositories.connections.get(`conn_${field}`);
      expect(connection?.schema).toBe('pg');
      expect(connection?.service?.length ?? 0).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
    },
  );

  it('never answers 503 for the content of a signed body under the limit', async () => {
    const big = fc.string({ minLength: 0, maxLength: 60_000, unit: 'grapheme-ascii' });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          event: fc.oneof(fc.constantFrom('sync_start', 'sync_end', 'delete_connector'), big),
          connector_type: big,
          connector_id: fc.string({ minLength: 1, maxLength: 2000 }),
          connector_name: big,
          sync_id: big,
          created: fc.oneof(
            big,
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          destination_group_id: big,
          data: fc.record({ status: big, reason: big }),
        }),
        async (payload) => {
          const body = JSON.stringify(payload);
          fc.pre(Buffer.byteLength(body) <= 256 * 1024);
          // Act
          const status = await route.deliver(body);
          // Assess
          expect(status).toBe(200);
        },
      ),
      { numRuns: 40 },
    );
    expect(route.failures).toEqual([]);
  });

  it('counts a future `created` as the moment of receipt: a sync_end dated 2099 pins nothing', async () => {
    // Prepare: a failure dated 2099, then an ordinary success an hour after the failure arrived.
    const base = { connector_id: 'conn_future', connector_name: 'pg', connector_type: 'postgres' };
    const future = {
      ...base,
      event: 'sync_end',
      created: '2099-01-01T00:00:00.000Z',
      sync_id: 'sync_2099',
      data: { status: 'FAILURE', reason: 'from the future' },
    };
    clock = RECEIVED;
    expect(await route.deliver(JSON.stringify(future))).toBe(200);
    const afterFuture = await route.repositories.connections.get('conn_future');
    clock = RECEIVED + 3_600_000;
    const success = {
      ...base,
      event: 'sync_end',
      created: iso(clock - 1000),
      sync_id: 'sync_now',
      data: { status: 'SUCCESSFUL' },
    };

    // Act
    expect(await route.deliver(JSON.stringify(success))).toBe(200);

    // Assess
    expect(afterFuture?.last_sync?.ended_at).toBe(iso(RECEIVED));
    const connection = await route.repositories.connections.get('conn_future');
    expect(connection?.health).toBe('healthy');
    expect(connection?.last_completed_sync).toMatchObject({ sync_id: 'sync_now', status: 'SUCCESSFUL' });
    const newest = await route.repositories.events.list({}, { limit: 1, cursor: null });
    expect(newest.items[0]?.sync_id).toBe('sync_now');
    const parsed = parseEvent(Buffer.from(JSON.stringify(future)));
    if (!parsed.ok) throw new Error(parsed.reason);
    const raw = await route.repositories.events.listOfConnection('conn_future', { limit: 5, cursor: null });
    const kept = raw.items.find((item) => item.id === eventIdentity(parsed.event.payload));
    expect(kept?.created).toBe('2099-01-01T00:00:00.000Z');
  });

  it('quarantines, with the reason, a signed event whose item would still not fit', async () => {
    // Prepare: a body over the item limit can only reach the recorder directly (the route caps at 256 KiB).
    const payload = { event: 'sync_end', connector_id: 'conn_huge', data: { blob: 'b'.repeat(360_000) } };
    const body = Buffer.from(JSON.stringify(payload));
    const parsed = parseEvent(body);
    if (!parsed.ok) throw new Error(parsed.reason);

    // Act
    const result = await route.recorder.recordEvent(parsed.event, eventIdentity(parsed.event.payload), body);

    // Assess
    expect(result.quarantined).toMatch(/KB/);
    expect(result.connection).toBeNull();
    expect((await route.repositories.accountStats.get()).events_quarantined).toBeGreaterThanOrEqual(1);
    expect(await route.repositories.connections.get('conn_huge')).toBeNull();
  });
});

describe('the unsigned creation probe', () => {
  it(`writes its count at most once per ${PROBE_FLUSH_INTERVAL_MS / 1000} s per process, whatever the rate`, async () => {
    // Prepare
    const dynamo = await startLocalDynamo();
    await waitForActiveTable(dynamo.client, dynamo.tableName);
    let now = RECEIVED;
    const route = webhookRoute(dynamo.documentClient, dynamo.tableName, SECRET, () => now);
    let updates = 0;
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateItemCommand') updates++;
        return next(args);
      },
      { step: 'initialize', name: 'countUpdates' },
    );
    const probe = JSON.stringify({
      event: 'test_event',
      created: iso(RECEIVED),
      connector_type: 'asana',
      connector_id: '_connector_1',
      group_id: '_destination_1',
    });

    try {
      // Act: 500 unsigned probes within a minute, then one more a minute later.
      const answers: number[] = [];
      for (let i = 0; i < 500; i++) {
        now = RECEIVED + i * 100;
        answers.push(await route.deliverUnsigned(probe));
      }
      now = RECEIVED + PROBE_FLUSH_INTERVAL_MS + 1;
      answers.push(await route.deliverUnsigned(probe));

      // Assess
      expect(new Set(answers)).toEqual(new Set([200]));
      expect(updates).toBe(2);
      expect((await route.repositories.accountStats.get()).probes_answered).toBe(501);
    } finally {
      await dynamo.close();
    }
  });
});
