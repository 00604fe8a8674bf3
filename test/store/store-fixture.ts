import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { HealthChange } from '#commons/store/health-notifier';
import { createStore, type Store, type StoreOptions } from '#commons/store/store';
import { eventIdentity } from '#commons/webhook/event-identity';
import { type FivetranEvent, parseEvent } from '#commons/webhook/parse-event';

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

export interface StoreFixture {
  readonly dynamo: LocalDynamo;
  readonly store: Store;
  readonly clock: ReturnType<typeof manualClock>;
  readonly changes: HealthChange[];
  close(): Promise<void>;
}

/** A real dynalite (in memory) with a fresh table per fixture, a manual clock and a recording notifier. */
export async function startStoreFixture(overrides: Partial<StoreOptions> = {}): Promise<StoreFixture> {
  const dynamo = await startLocalDynamo();
  const clock = manualClock();
  const changes: HealthChange[] = [];
  const store = createStore({
    client: dynamo.documentClient,
    tableName: dynamo.tableName,
    retentionDays: 90,
    now: clock.now,
    notifier: { onHealthChange: (change) => void changes.push(change) },
    ...overrides,
  });
  return { dynamo, store, clock, changes, close: () => dynamo.close() };
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

export function record(store: Store, d: Delivery) {
  return store.recordEvent(d.event, d.id, d.body);
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
