import { describe, expect, it } from 'vitest';
import { type FivetranApiError, isMissingSchemaConfig } from '#commons/fivetran/errors';
import { parseEvent } from '#commons/webhook/parse-event';
import { SIGNATURE_HEADER } from '#commons/webhook/signature';
import {
  closeAfterEach,
  decide,
  healthyConnectionId,
  register,
  SECRET,
  setUp,
  waitFor,
} from './webhook-harness.ts';

closeAfterEach();

describe('simulator: lifecycle deliveries, subscriptions, retries and timer mode', () => {
  it('sends lifecycle events and keeps the REST view in step', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp();
    await register(client, r);
    const id = healthyConnectionId(s);

    // Act
    s.pauseConnection(id);
    await s.settled();
    const paused = await client.connection(id);
    s.resumeConnection(id);
    const added = s.addConnection();
    s.removeConnection(added.id);
    await s.settled();
    const gone = await client.connection(added.id).catch((e: FivetranApiError) => e.code);

    // Assess
    expect(r.received.map((d) => [d.json.event, d.json.connector_id])).toEqual([
      ['pause_connector', id],
      ['resume_connector', id],
      ['create_connector', added.id],
      ['delete_connector', added.id],
    ]);
    expect(r.received.every((d) => decide(d).action === 'store')).toBe(true);
    expect(paused).toMatchObject({ paused: true, status: { sync_state: 'paused' } });
    expect(gone).toBe('NotFound_Connector');
  });

  it('delivers only subscribed events, and group webhooks only their group’s', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp({ groups: 2, connections: 20 });
    const [groupA, groupB] = [...s.account.groups.keys()] as [string, string];
    await client.createGroupWebhook(groupA, { url: r.url, events: ['sync_end'], secret: SECRET });
    r.received.length = 0;
    const inA = [...s.account.connections.values()].find((c) => c.group_id === groupA && !c.paused);
    const inB = [...s.account.connections.values()].find((c) => c.group_id === groupB && !c.paused);
    if (!inA || !inB) throw new Error('each group needs a running connection');

    // Act
    await s.runSync(inA.id);
    await s.runSync(inB.id);

    // Assess
    expect(r.received.map((d) => [d.json.event, d.json.connector_id])).toEqual([['sync_end', inA.id]]);
  });

  it('retries a delivery that got a non-2xx answer, with the same bytes and signature, a bounded number of times', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp({ delivery: { retryDelayMs: 5, maxAttempts: 3 } });
    await register(client, r, ['sync_end']);
    const [first, second] = [...s.account.connections.values()].filter((c) => !c.paused).map((c) => c.id);

    // Act: the first sync_end fails once then lands; the second always fails.
    r.answer = (index) => (index === 0 ? 503 : 200);
    await s.runSync(first as string);
    const firstDeliveries = r.received.splice(0);
    r.answer = () => 500;
    await s.runSync(second as string);

    // Assess
    expect(firstDeliveries).toHaveLength(2);
    expect(firstDeliveries[1]?.body.equals(firstDeliveries[0]?.body as Buffer)).toBe(true);
    expect(firstDeliveries[1]?.headers[SIGNATURE_HEADER]).toBe(firstDeliveries[0]?.headers[SIGNATURE_HEADER]);
    expect(r.received).toHaveLength(3);
    expect(s.deliveries.log.filter((d) => d.status === 500).map((d) => d.attempt)).toEqual([1, 2, 3]);
  });

  it('can deliver duplicates and out of order, as Fivetran may', async () => {
    // Prepare
    const {
      sim: s,
      receiver: r,
      client,
    } = await setUp({
      delivery: { duplicateProbability: 1, outOfOrderProbability: 1, retryDelayMs: 5 },
    });
    await register(client, r, ['sync_start', 'sync_end']);
    const id = healthyConnectionId(s);

    // Act
    await s.runSync(id);

    // Assess: sync_start was held back behind sync_end, and each went out twice with identical bytes.
    expect(r.received.map((d) => d.json.event)).toEqual(['sync_end', 'sync_end', 'sync_start', 'sync_start']);
    expect(r.received[0]?.body.equals(r.received[1]?.body as Buffer)).toBe(true);
    const identities = r.received.map((d) => {
      const decision = decide(d);
      return decision.action === 'store' ? decision.id : null;
    });
    expect(new Set(identities).size).toBe(2);
  });

  it('runs syncs on a timer in demo mode', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp();
    await register(client, r, ['sync_end', 'pause_connector', 'resume_connector']);

    // Act
    s.startActivity(5);
    await waitFor(() => r.received.length >= 3);
    s.stopActivity();
    await s.settled();

    // Assess
    expect(r.received.length).toBeGreaterThanOrEqual(3);
    for (const delivery of r.received) {
      const parsed = parseEvent(new Uint8Array(delivery.body));
      expect(parsed.ok).toBe(true);
      expect(decide(delivery).action).toBe('store');
    }
  });

  it('signs deliveries in lower-case hex, as the live receiver compared them', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp();
    await register(client, r, ['sync_end']);

    // Act
    await s.runSync(healthyConnectionId(s));

    // Assess
    expect(r.received[0]?.headers[SIGNATURE_HEADER]).toMatch(/^[0-9a-f]{64}$/);
    expect(decide(r.received[0] as (typeof r.received)[number]).action).toBe('store');
  });

  it('sends connection_failure with its reason, then connection_successful on recovery, and edit_connector', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp();
    await register(client, r, ['sync_end', 'connection_failure', 'connection_successful', 'edit_connector']);
    const [first, second] = [...s.account.connections.values()].filter((c) => !c.paused).map((c) => c.id) as [
      string,
      string,
    ];

    // Act
    s.failSetup(first, 'Host db.example.net refused the connection');
    await s.settled();
    const broken = await client.connection(first);
    await s.runSync(first);
    s.failSetup(second, 'Password expired');
    s.repairSetup(second);
    s.updateConnection(second, { sync_frequency: 30 });
    await s.settled();

    // Assess
    expect(r.received.map((d) => [d.json.event, d.json.connector_id])).toEqual([
      ['connection_failure', first],
      ['sync_end', first],
      ['connection_successful', first],
      ['connection_failure', second],
      ['connection_successful', second],
      ['edit_connector', second],
    ]);
    expect(r.received[0]?.json.data).toEqual({ reason: 'Host db.example.net refused the connection' });
    expect(broken.status?.setup_state).toBe('broken');
    expect(broken.setup_tests?.[0]).toMatchObject({
      status: 'FAILED',
      message: 'Host db.example.net refused the connection',
    });
    expect((await client.connection(second)).status?.setup_state).toBe('connected');
    expect(r.received.every((d) => decide(d).action === 'store')).toBe(true);
  });

  it('creates new connections the way Fivetran does when quirks are on: incomplete, first sync pending', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp({ quirks: true });
    await register(client, r, ['create_connector']);

    // Act
    const created = s.addConnection();
    await s.settled();
    const listed = await client.connection(created.id);
    const schema = await client.connectionSchemas(created.id).catch((e: unknown) => e);

    // Assess
    expect(r.received.map((d) => d.json.event)).toEqual(['create_connector']);
    expect(listed.status).toMatchObject({ setup_state: 'incomplete', is_historical_sync: true });
    expect(listed.succeeded_at ?? null).toBeNull();
    expect(isMissingSchemaConfig(schema)).toBe(true);
  });

  it('runs a timed sync that lasts, shows it syncing meanwhile, and records the run', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp();
    await register(client, r, ['sync_start', 'sync_end']);
    const id = healthyConnectionId(s);

    // Act
    s.startTimedSync(id, 80, 'FAILED');
    await s.settled();
    const during = { syncing: s.isSyncing(id), state: (await client.connection(id)).status?.sync_state };
    await waitFor(() => r.received.length >= 2);
    await s.settled();

    // Assess
    const [start, end] = r.received.map((d) => d.json);
    expect(during).toEqual({ syncing: true, state: 'syncing' });
    expect(end?.data).toMatchObject({ status: 'FAILED' });
    expect(Date.parse(end?.created as string) - Date.parse(start?.created as string)).toBeGreaterThanOrEqual(
      70,
    );
    const run = s.account.runs.get(id)?.at(-1);
    expect(run).toMatchObject({ sync_id: start?.sync_id, status: 'FAILED' });
    expect(s.isSyncing(id)).toBe(false);
  });
});
