import type { HealthChange } from '#commons/ingest/health-notifier';
import type { EventRecorder } from '#commons/ingest/record-event';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { RepositoryOptions } from '#commons/store/repositories';
import { eventIdentity } from '#commons/webhook/event-identity';
import { type FivetranEvent, parseEvent } from '#commons/webhook/parse-event';
import { type Core, openCore } from './core.ts';

/** A clock the test moves by hand. */
export function manualClock(startIso = '2026-06-01T12:00:00.000Z') {
  let ms = Date.parse(startIso);
  return {
    now: () => ms,
    advance: (by: number) => {
      ms += by;
    },
    set: (iso: string) => {
      ms = Date.parse(iso);
    },
  };
}

export interface StoreFixture extends Core {
  readonly dynamo: LocalDynamo;
  readonly clock: ReturnType<typeof manualClock>;
  readonly changes: HealthChange[];
  close(): Promise<void>;
}

/** A real dynalite (in memory) with a fresh table per fixture, a manual clock and a recording notifier. */
export async function startStoreFixture(overrides: Partial<RepositoryOptions> = {}): Promise<StoreFixture> {
  const dynamo = await startLocalDynamo();
  const clock = manualClock();
  const changes: HealthChange[] = [];
  const core = openCore(
    { client: dynamo.documentClient, tableName: dynamo.tableName },
    {
      now: clock.now,
      notifier: { onHealthChange: (change) => void changes.push(change) },
      ...overrides,
    },
  );
  return { dynamo, ...core, clock, changes, close: () => dynamo.close() };
}

export interface Delivery {
  readonly event: FivetranEvent;
  readonly id: string;
  readonly body: Uint8Array;
}

/** A Fivetran webhook body as bytes, parsed and identified the way the webhook path does it. */
export function delivery(payload: Record<string, unknown> | string): Delivery {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const parsed = parseEvent(body);
  if (!parsed.ok) throw new Error(`fixture is not an event: ${parsed.reason}`);
  return { event: parsed.event, id: eventIdentity(parsed.event.payload), body };
}

export function record(recorder: EventRecorder, d: Delivery) {
  return recorder.recordEvent(d.event, d.id, d.body);
}

/** Webhook payload builders for one connection. */
export function events(connectionId: string, extra: Record<string, unknown> = {}) {
  const base = {
    connector_type: 'postgres',
    connector_id: connectionId,
    connector_name: `${connectionId}_schema`,
    destination_group_id: 'group_a',
    ...extra,
  };
  return {
    syncStart: (syncId: string, created: string) =>
      delivery({ event: 'sync_start', created, ...base, sync_id: syncId }),
    syncEnd: (syncId: string, created: string, status: string, data: Record<string, unknown> = {}) =>
      delivery({ event: 'sync_end', created, ...base, sync_id: syncId, data: { status, ...data } }),
    lifecycle: (event: string, created: string) => delivery({ event, created, ...base }),
  };
}
