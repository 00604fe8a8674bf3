import { afterEach, describe, expect, it } from 'vitest';
import { type DeliveryLog, deliverDue } from '#commons/lineage/deliverer';
import { MemoryLineageOutbox } from '#commons/lineage/memory-outbox';
import { parseOpenLineageConfig } from '#commons/lineage/openlineage-config';
import { lineageOutboxItemSchema, newOutboxItem } from '#commons/lineage/outbox';
import { buildSyncRunEvent, syncTransitionOf } from '#commons/lineage/run-events';
import { normaliseEvent, type WebhookPayload } from '#commons/webhook/parse-event';
import { DESTINATIONS, postgresContext } from './lineage-fixtures.ts';
import { type Answer, type Received, startReceiver } from './lineage-receiver.ts';

const KEY = 'ol-test-Key-7f3a9c';
const T0 = Date.parse('2026-05-01T10:10:00.000Z');

const webhook = (payload: WebhookPayload) => normaliseEvent({ ...payload, connector_id: 'halting_precinct' });

const SYNC_START = webhook({ event: 'sync_start', created: '2026-05-01T10:00:00.000Z', sync_id: 'sync-41' });
const SYNC_END = webhook({
  event: 'sync_end',
  created: '2026-05-01T10:06:00.000Z',
  sync_id: 'sync-41',
  data: { status: 'SUCCESSFUL' },
});

/** What the webhook handler does per event: build the lineage event and enqueue it with the sync update. */
async function onWebhook(outbox: MemoryLineageOutbox, event: ReturnType<typeof webhook>, nowMs: number) {
  const transition = syncTransitionOf(event, new Date(nowMs).toISOString());
  if (!transition) return false;
  const built = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), transition);
  return outbox.enqueue(newOutboxItem(built, nowMs));
}

function capturingLog() {
  const lines: string[] = [];
  const log: DeliveryLog = {
    info: (message, fields) => void lines.push(JSON.stringify({ message, ...fields })),
    warn: (message, fields) => void lines.push(JSON.stringify({ message, ...fields })),
  };
  return { lines, log };
}

describe('delivering lineage events to an OpenLineage receiver', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  async function setup(answer?: (received: Received, index: number) => Answer) {
    receiver = await startReceiver(answer);
    const config = parseOpenLineageConfig({ OPENLINEAGE_URL: receiver.url, OPENLINEAGE_API_KEY: KEY });
    if (!config) throw new Error('configured');
    const outbox = new MemoryLineageOutbox();
    const { lines, log } = capturingLog();
    let clock = T0;
    const deliver = (settings = {}) =>
      deliverDue({ outbox, config, log, now: () => clock, random: () => 0, settings });
    return {
      receiver,
      outbox,
      lines,
      deliver,
      advance: (ms: number) => {
        clock += ms;
      },
      now: () => clock,
    };
  }

  it('sends exactly one START and one COMPLETE for a sync, however often its webhooks are redelivered', async () => {
    // Prepare: each webhook delivered twice, the second sync_end after the first batch was sent.
    const fx = await setup();
    const first = [await onWebhook(fx.outbox, SYNC_START, T0), await onWebhook(fx.outbox, SYNC_END, T0)];
    const repeated = [await onWebhook(fx.outbox, SYNC_START, T0), await onWebhook(fx.outbox, SYNC_END, T0)];

    // Act
    const report = await fx.deliver();
    const late = await onWebhook(fx.outbox, SYNC_END, T0 + 60_000);
    const again = await fx.deliver();

    // Assess
    expect(first).toEqual([true, true]);
    expect(repeated).toEqual([false, false]);
    expect(late).toBe(false);
    expect(report).toEqual({ claimed: 2, delivered: 2, retried: 0, deferred: 0, dead: 0 });
    expect(again.claimed).toBe(0);
    expect(fx.receiver.received.map((r) => r.event.eventType)).toEqual(['START', 'COMPLETE']);
    for (const r of fx.receiver.received) {
      expect(r.errors).toEqual([]);
      expect(r.path).toBe('/api/v1/lineage');
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.headers['content-type']).toBe('application/json');
    }
    const [start, complete] = fx.receiver.received;
    expect(start?.event.run?.runId).toBe(complete?.event.run?.runId);
    for (const item of fx.outbox.snapshot()) {
      expect(lineageOutboxItemSchema.parse(item).status).toBe('delivered');
    }
    expect(await fx.outbox.oldestUndelivered()).toBeNull();
  });

  it('waits out a 503 with Retry-After, holding the run’s COMPLETE behind its START', async () => {
    // Prepare: the first POST is throttled for two minutes.
    const fx = await setup((_, index) =>
      index === 0 ? { status: 503, headers: { 'retry-after': '120' }, body: 'busy' } : { status: 200 },
    );
    await onWebhook(fx.outbox, SYNC_START, T0);
    await onWebhook(fx.outbox, SYNC_END, T0);

    // Act
    const throttled = await fx.deliver();
    fx.advance(119_000);
    const tooEarly = await fx.deliver();
    fx.advance(1_000);
    const after = await fx.deliver();

    // Assess
    expect(throttled).toMatchObject({ claimed: 2, delivered: 0, retried: 1, deferred: 1 });
    expect(tooEarly.claimed).toBe(0);
    expect(after).toMatchObject({ claimed: 2, delivered: 2 });
    expect(fx.receiver.received.map((r) => r.event.eventType)).toEqual(['START', 'START', 'COMPLETE']);
    const start = fx.outbox.snapshot().find((item) => item.event.eventType === 'START');
    expect(start).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_status: 503,
      last_error: 'HTTP 503: busy',
    });
  });

  it('gives up at once on an event the receiver refuses, keeps it, and alarms on it', async () => {
    // Prepare
    const fx = await setup(() => ({ status: 422, body: '{"error":"invalid event"}' }));
    await onWebhook(fx.outbox, SYNC_START, T0);

    // Act
    const report = await fx.deliver();

    // Assess
    expect(report).toMatchObject({ claimed: 1, dead: 1 });
    expect(fx.outbox.snapshot()[0]).toMatchObject({ status: 'dead', attempts: 1, last_status: 422 });
    expect(await fx.outbox.oldestUndelivered()).toBe(new Date(T0).toISOString());
    expect((await fx.deliver()).claimed).toBe(0);
  });

  it('bounds the tries: an endpoint that always fails is given up after maxAttempts', async () => {
    // Prepare
    const fx = await setup(() => ({ status: 500 }));
    await onWebhook(fx.outbox, SYNC_START, T0);
    const settings = { maxAttempts: 3, backoff: { baseMs: 1_000, capMs: 1_000 } };

    // Act
    const reports = [];
    for (let i = 0; i < 5; i++) {
      reports.push(await fx.deliver(settings));
      fx.advance(60_000);
    }

    // Assess
    expect(reports.map((r) => r.claimed)).toEqual([1, 1, 1, 0, 0]);
    expect(reports.at(2)?.dead).toBe(1);
    expect(fx.receiver.received).toHaveLength(3);
    expect(fx.outbox.snapshot()[0]).toMatchObject({ status: 'dead', attempts: 3 });
  });

  it('times out a receiver that never answers and retries later', async () => {
    // Prepare
    const fx = await setup(() => 'hang');
    await onWebhook(fx.outbox, SYNC_START, T0);

    // Act
    const started = Date.now();
    const report = await fx.deliver({ timeoutMs: 300 });

    // Assess
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report).toMatchObject({ retried: 1 });
    expect(fx.outbox.snapshot()[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'no answer within 300 ms',
      last_status: null,
    });
  });

  it('never writes the key to a log line or an item, even when the receiver echoes it back', async () => {
    // Prepare: a 401 whose body repeats the Authorization header, past the kept length too.
    const fx = await setup((r) => ({
      status: 401,
      body: `${'x'.repeat(270)} bad token ${r.headers.authorization}`,
    }));
    await onWebhook(fx.outbox, SYNC_START, T0);

    // Act
    await fx.deliver();

    // Assess
    const stored = JSON.stringify(fx.outbox.snapshot());
    expect(fx.lines.length).toBeGreaterThan(0);
    for (const line of fx.lines) expect(line).not.toContain(KEY.slice(0, 8));
    expect(stored).not.toContain(KEY.slice(0, 8));
    expect(fx.lines.join('\n')).toContain(`"endpoint":"${fx.receiver.url}/api/v1/lineage"`);
    expect(fx.outbox.snapshot()[0]).toMatchObject({ status: 'pending', last_status: 401 });
  });

  it('does not reach a receiver that is down, and delivers once it is up', async () => {
    // Prepare: a configured URL with nothing listening.
    const fx = await setup();
    const downUrl = fx.receiver.url;
    await fx.receiver.close();
    const config = parseOpenLineageConfig({ OPENLINEAGE_URL: downUrl });
    if (!config) throw new Error('configured');
    await onWebhook(fx.outbox, SYNC_START, T0);

    // Act
    const report = await deliverDue({ outbox: fx.outbox, config, now: fx.now, random: () => 0 });

    // Assess
    expect(report).toMatchObject({ retried: 1 });
    expect(fx.outbox.snapshot()[0]?.last_error).toMatch(/^TypeError/);
  });

  it('re-offers an item whose claim outlived its lease; the late answer of the old claim changes nothing', async () => {
    // Prepare
    const outbox = new MemoryLineageOutbox();
    await onWebhook(outbox, SYNC_START, T0);
    const [stale] = await outbox.claimDue(T0, 10, 1_000);
    if (!stale) throw new Error('claimed');

    // Act
    const hidden = await outbox.claimDue(T0 + 999, 10, 1_000);
    const [fresh] = await outbox.claimDue(T0 + 1_000, 10, 1_000);
    const lateSettle = await outbox.markDelivered(stale, T0 + 1_500);
    const freshSettle = fresh
      ? await outbox.markRetry(fresh, T0 + 5_000, { error: 'HTTP 503', status: 503 })
      : false;

    // Assess
    expect(hidden).toEqual([]);
    expect(lateSettle).toBe(false);
    expect(freshSettle).toBe(true);
    expect(outbox.snapshot()[0]).toMatchObject({ status: 'pending', attempts: 1, lease_token: null });
  });
});
