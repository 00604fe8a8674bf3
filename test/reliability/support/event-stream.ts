/**
 * A realistic stream of Fivetran webhook deliveries for fault and load runs: syncs starting and ending
 * (mostly succeeding, some failing or rescheduled), pauses and resumes, account-level dbt runs, a few signed
 * bodies we cannot read (quarantined), redelivered duplicates and events arriving out of order. Seeded: the
 * same options always give the same bytes.
 */
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { createRandom, type Random } from '../../../functions/simulator/prng.ts';

export interface StreamOptions {
  /** Deliveries in the stream, duplicates included. */
  readonly deliveries: number;
  readonly connections: number;
  readonly seed?: number | string;
  /** Share of deliveries that repeat an earlier body byte for byte (default 5%). */
  readonly duplicateShare?: number;
  /** Share of deliveries moved later than their place in time (default 5%). */
  readonly reorderShare?: number;
  /** Share of signed bodies that are not readable events (default 0.5%). */
  readonly unreadableShare?: number;
  /** Prefix for connection ids, so streams do not collide. */
  readonly prefix?: string;
  /** Fivetran's `created` of the first event (the rest follow, a few seconds apart). */
  readonly startIso?: string;
}

export interface EventStream {
  /** Bodies in delivery order (duplicates and reordering applied). */
  readonly deliveries: readonly string[];
  /** Event id of each distinct readable event. */
  readonly eventIds: ReadonlySet<string>;
  /** Distinct unreadable bodies (each is quarantined once). */
  readonly unreadable: ReadonlySet<string>;
  readonly connectionIds: readonly string[];
}

const SERVICES = ['postgres', 'salesforce', 'google_sheets', 'snowflake_db', 'hubspot', 'stripe'];
const UNREADABLE = [
  (n: number) => `not json ${n}`,
  (n: number) => `[${n}]`,
  (n: number) => `{"created":"2026-05-01T00:00:00.000Z","n":${n}}`,
  (n: number) => `{"event":${n}`,
];

function syncUuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function syncEndData(random: Random): Record<string, unknown> {
  const roll = random.next();
  if (roll < 0.85) return { status: 'SUCCESSFUL' };
  if (roll < 0.93)
    return { status: 'FAILURE', reason: 'java.lang.RuntimeException: Connection reset by peer' };
  if (roll < 0.97)
    return {
      status: 'FAILURE_WITH_TASK',
      reason: 'Access to the source was revoked: reconnect the source',
      taskType: 'reconnect',
    };
  return { status: 'RESCHEDULED', reason: 'Source API rate limit reached; sync rescheduled' };
}

export function eventStream(options: StreamOptions): EventStream {
  const random = createRandom(options.seed ?? 'event-stream');
  const prefix = options.prefix ?? 'rel';
  const duplicateShare = options.duplicateShare ?? 0.05;
  const reorderShare = options.reorderShare ?? 0.05;
  const unreadableShare = options.unreadableShare ?? 0.005;
  const connections = Array.from({ length: options.connections }, (_, i) => ({
    id: `${prefix}_conn_${i}`,
    schema: `${prefix}_schema_${i}`,
    service: SERVICES[i % SERVICES.length] as string,
    group: `${prefix}_group_${i % 4}`,
    openSync: null as string | null,
    paused: false,
  }));
  let clockMs = Date.parse(options.startIso ?? '2026-05-31T00:00:00.000Z');
  const distinct = Math.round(options.deliveries * (1 - duplicateShare));
  const bodies: string[] = [];
  let unreadableCount = 0;

  while (bodies.length < distinct) {
    clockMs += random.int(200, 4_000);
    const created = new Date(clockMs).toISOString();
    if (random.chance(unreadableShare)) {
      bodies.push((random.pick(UNREADABLE) as (n: number) => string)(unreadableCount++));
      continue;
    }
    const roll = random.next();
    if (roll < 0.01) {
      bodies.push(
        JSON.stringify({
          event: 'dbt_run_succeeded',
          created,
          destination_group_id: `${prefix}_group_${random.int(0, 3)}`,
          data: { dbtJobId: `job_${random.int(1, 5)}`, dbtJobName: 'nightly', startTime: created },
        }),
      );
      continue;
    }
    const c = random.pick(connections);
    const base = { connector_type: c.service, connector_id: c.id, connector_name: c.schema };
    if (roll < 0.04) {
      const event = c.paused ? 'resume_connector' : 'pause_connector';
      c.paused = !c.paused;
      bodies.push(JSON.stringify({ event, created, ...base, destination_group_id: c.group }));
    } else if (c.openSync === null) {
      c.openSync = syncUuid(random);
      bodies.push(
        JSON.stringify({
          event: 'sync_start',
          created,
          ...base,
          sync_id: c.openSync,
          destination_group_id: c.group,
        }),
      );
    } else {
      bodies.push(
        JSON.stringify({
          event: 'sync_end',
          created,
          ...base,
          sync_id: c.openSync,
          destination_group_id: c.group,
          data: syncEndData(random),
        }),
      );
      c.openSync = null;
    }
  }

  // Out of order: some deliveries move a few places later than their time says.
  for (let i = 0; i < bodies.length; i++) {
    if (!random.chance(reorderShare)) continue;
    const j = Math.min(bodies.length - 1, i + random.int(1, 20));
    [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
  }
  // Duplicates: earlier bodies delivered again, byte for byte, somewhere later.
  const deliveries = [...bodies];
  while (deliveries.length < options.deliveries) {
    const at = random.int(1, deliveries.length);
    const original = deliveries[random.int(0, at - 1)] as string;
    deliveries.splice(at, 0, original);
  }

  const eventIds = new Set<string>();
  const unreadable = new Set<string>();
  for (const body of bodies) {
    const parsed = parseEvent(Buffer.from(body));
    if (parsed.ok) eventIds.add(eventIdentity(parsed.event.payload));
    else unreadable.add(body);
  }
  return { deliveries, eventIds, unreadable, connectionIds: connections.map((c) => c.id) };
}
