import { describe, expect, it } from 'vitest';
import { collectItems } from '#commons/fivetran/client';
import { FivetranApiError } from '#commons/fivetran/errors';
import { DUMMY_CONNECTION_ID, isCreationProbe, isDummyEvent } from '#commons/webhook/parse-event';
import { SIGNATURE_HEADER, verifySignature } from '#commons/webhook/signature';
import type { Received } from './receiver.ts';
import { closeAfterEach, decide, healthyConnectionId, register, SECRET, setUp } from './webhook-harness.ts';

closeAfterEach();

describe('simulator: webhook registration', () => {
  it('probes the URL with the unsigned creation probe before creating, and masks the secret', async () => {
    // Prepare
    const { receiver: r, client } = await setUp();

    // Act
    const webhook = await client.createAccountWebhook({ url: r.url, events: ['sync_end'], secret: SECRET });

    // Assess
    expect(r.received).toHaveLength(1);
    const probe = r.received[0] as Received;
    expect(probe.headers[SIGNATURE_HEADER]).toBeUndefined();
    expect(Object.keys(probe.json)).toEqual([
      'event',
      'created',
      'connector_type',
      'connector_id',
      'group_id',
    ]);
    expect(probe.json).toMatchObject({
      event: 'test_event',
      connector_type: '_connector_type',
      connector_id: '_connector_1',
      group_id: '_destination_1',
    });
    expect(isCreationProbe(new Uint8Array(probe.body))).toBe(true);
    expect(decide(probe)).toEqual({ action: 'probe', status: 200 });
    expect(webhook).toMatchObject({
      type: 'account',
      url: r.url,
      events: ['sync_end'],
      active: true,
      secret: '******',
    });
    expect(await client.webhook(webhook.id)).toEqual(webhook);
  });

  it('refuses to create the webhook (400) when the probe gets a non-2xx answer', async () => {
    // Prepare
    const { receiver: r, client } = await setUp();
    r.answer = () => 401;

    // Act
    const error = await client
      .createAccountWebhook({ url: r.url, events: ['sync_end'], secret: SECRET })
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(FivetranApiError);
    expect((error as FivetranApiError).status).toBe(400);
    expect(await collectItems(client.webhookPages())).toEqual([]);
  });

  it('refuses event names it does not support, naming them', async () => {
    // Prepare
    const { sim: s, receiver: r, client } = await setUp();
    s.knobs.unsupportedEvents = ['transformation_start'];

    // Act
    const error = await client
      .createAccountWebhook({
        url: r.url,
        events: ['sync_end', 'transformation_start', 'made_up'],
        secret: SECRET,
      })
      .catch((e) => e);

    // Assess
    expect((error as FivetranApiError).status).toBe(400);
    expect((error as Error).message).toContain('transformation_start, made_up');
    expect(r.received).toHaveLength(0);
  });

  it('updates, re-probes on activation, and deletes', async () => {
    // Prepare
    const { receiver: r, client } = await setUp();
    const created = await client.createAccountWebhook({ url: r.url, events: ['sync_end'], active: false });

    // Act
    const probesBefore = r.received.length;
    const activated = await client.updateWebhook(created.id, {
      active: true,
      events: ['sync_start', 'sync_end'],
    });
    const probesAfter = r.received.length;
    await client.deleteWebhook(created.id);
    const listed = await collectItems(client.webhookPages());

    // Assess
    expect(probesBefore).toBe(0);
    expect(probesAfter).toBe(1);
    expect(activated).toMatchObject({ active: true, events: ['sync_start', 'sync_end'] });
    expect(activated.secret ?? null).toBeNull();
    expect(listed).toEqual([]);
  });

  it('sends the signed dummy event on POST /v1/webhooks/{id}/test', async () => {
    // Prepare
    const { receiver: r, client } = await setUp();
    const id = await register(client, r);

    // Act
    const result = await client.testWebhook(id, 'sync_end');

    // Assess
    expect(result).toEqual({ succeed: true, status: 200, message: 'Success' });
    expect(r.received).toHaveLength(1);
    const delivery = r.received[0] as Received;
    expect(delivery.json).toMatchObject({ event: 'sync_end', connector_id: DUMMY_CONNECTION_ID });
    const decision = decide(delivery);
    expect(decision.action).toBe('store');
    if (decision.action === 'store') expect(isDummyEvent(decision.event)).toBe(true);
  });
});

describe('simulator: deliveries from simulated syncs', () => {
  it.each([
    ['SUCCESSFUL', {}],
    ['FAILURE', { reason: 'java.lang.RuntimeException: boom' }],
    ['FAILURE_WITH_TASK', { reason: 'access revoked', taskType: 'reconnect_warehouse' }],
    ['RESCHEDULED', {}],
  ] as const)(
    'delivers signed sync_start and sync_end (%s) that agree with the REST view',
    async (outcome, options) => {
      // Prepare
      const { sim: s, receiver: r, client } = await setUp();
      await register(client, r);
      const id = healthyConnectionId(s);

      // Act
      const syncId = await s.runSync(id, outcome, options);
      const connection = await client.connection(id);

      // Assess: signatures verify over the exact bytes and the receiver's decision stores both events.
      expect(r.received.map((d) => d.json.event)).toEqual(['sync_start', 'sync_end']);
      for (const delivery of r.received) {
        expect(verifySignature(new Uint8Array(delivery.body), delivery.headers, [SECRET])).toEqual({
          valid: true,
          secretIndex: 0,
        });
        expect(decide(delivery).action).toBe('store');
      }
      const [start, end] = r.received.map((d) => d.json) as [
        Record<string, unknown>,
        Record<string, unknown>,
      ];
      expect(Object.keys(end)).toEqual([
        'event',
        'created',
        'connector_type',
        'connector_id',
        'connector_name',
        'sync_id',
        'destination_group_id',
        'data',
      ]);
      expect(start).toMatchObject({
        sync_id: syncId,
        connector_id: id,
        destination_group_id: connection.group_id,
      });
      expect(end).toMatchObject({
        sync_id: syncId,
        connector_type: connection.service,
        connector_name: connection.schema,
      });
      expect(Date.parse(end.created as string)).toBeGreaterThan(Date.parse(start.created as string));
      const data = end.data as Record<string, unknown>;
      expect(data.status).toBe(outcome);
      if (outcome === 'SUCCESSFUL') {
        expect(connection.succeeded_at).toBe(end.created);
        expect(connection.status?.tasks).toEqual([]);
        expect(connection.status?.sync_state).toBe('scheduled');
      }
      if (outcome === 'FAILURE') {
        expect(connection.failed_at).toBe(end.created);
        expect(data.reason).toBe(options.reason);
      }
      if (outcome === 'FAILURE_WITH_TASK') {
        expect(connection.failed_at).toBe(end.created);
        expect(data).toMatchObject({ reason: options.reason, taskType: 'reconnect_warehouse' });
        expect(connection.status?.tasks?.map((t) => t.code)).toEqual(['reconnect_warehouse']);
      }
      if (outcome === 'RESCHEDULED') {
        expect(connection.status?.sync_state).toBe('rescheduled');
        expect(Date.parse(connection.status?.rescheduled_for as string)).toBeGreaterThan(
          Date.parse(end.created as string),
        );
      }
    },
  );

  it('shows a running sync in the REST view and gives a new connection its schema on the first success', async () => {
    // Prepare
    const { sim: s, client } = await setUp();
    const fresh = s.addConnection({ scenario: 'no_schema' });
    const before = await client.connectionSchemas(fresh.id).catch((e: FivetranApiError) => e.code);

    // Act
    s.startSync(fresh.id);
    const during = await client.connection(fresh.id);
    s.finishSync(fresh.id, 'SUCCESSFUL');
    const after = await client.connectionSchemas(fresh.id);

    // Assess
    expect(before).toBe('NotFound_SchemaConfig');
    expect(during.status?.sync_state).toBe('syncing');
    expect(Object.keys(after.schemas ?? {})).toHaveLength(1);
  });
});
