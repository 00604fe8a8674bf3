// zod/mini with named imports: this shape is on the webhook Lambda's path (its transformation observer).
import {
  array,
  boolean,
  type infer as Infer,
  int,
  maxLength,
  nonnegative,
  nullable,
  number,
  object,
  string,
} from 'zod/mini';
import { toInstantMs } from '../lib/instant.ts';
import { clipId, MAX_ID_LENGTH } from '../tables/table-item.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import { transformationHealth, transformationHealthSchema } from './transformation-health.ts';

export const MAX_CONNECTION_IDS = 200;
export const MAX_OUTPUT_MODELS = 500;
const MAX_REASON_LENGTH = 4_096;

const id = string().check(maxLength(MAX_ID_LENGTH));

/** A row of `GET /api/transformations` (and the stored item's body; the store adds keys). */
export const transformationViewSchema = object({
  id,
  name: nullable(id),
  /** `DBT_CORE` or `QUICKSTART`. */
  type: nullable(id),
  status: nullable(id),
  paused: nullable(boolean()),
  last_started_at: nullable(string()),
  last_ended_at: nullable(string()),
  /** Connections whose syncs trigger it (integrated or smart-synced schedules). */
  connection_ids: array(id).check(maxLength(MAX_CONNECTION_IDS)),
  output_model_names: array(id).check(maxLength(MAX_OUTPUT_MODELS)),
  /** Models beyond the bound, counted. */
  output_models_omitted: int().check(nonnegative()),
  /** The failure reason of the newest failed run we were told (webhook), clipped. */
  last_failure_reason: nullable(string().check(maxLength(MAX_REASON_LENGTH))),
  /** Instant (ms) of the newest fact behind status/last_*: an older fact never overwrites a newer one. */
  as_of: nullable(number()),
  ...transformationHealthSchema.shape,
});

export type TransformationView = Infer<typeof transformationViewSchema>;

/**
 * The fields read from `GET /v1/transformations` items (`TransformationResponse` with its DBT_CORE or
 * QUICKSTART `transformation_config`), structurally: the Fivetran client's own schema satisfies it.
 */
export interface TransformationSource {
  readonly id: string;
  readonly status?: string | null;
  readonly type?: string | null;
  readonly paused?: boolean | null;
  readonly last_started_at?: string | null;
  readonly last_ended_at?: string | null;
  readonly output_model_names?: readonly string[] | null;
  readonly schedule?: {
    readonly schedule_type?: string | null;
    readonly connection_ids?: readonly string[] | null;
  } | null;
  readonly transformation_config?: {
    readonly name?: string | null;
    readonly package_name?: string | null;
    readonly connection_ids?: readonly string[] | null;
  } | null;
}

function boundedList(values: readonly string[], max: number): { list: string[]; omitted: number } {
  const unique = [...new Set(values.filter((value) => typeof value === 'string' && value !== ''))];
  return { list: unique.slice(0, max).map(clipId), omitted: Math.max(0, unique.length - max) };
}

const newestOf = (...instants: (string | null | undefined)[]) => {
  const values = instants.map(toInstantMs).filter((ms): ms is number => ms !== null);
  return values.length ? Math.max(...values) : null;
};

/**
 * The record for one API item. The API answer is the current state, so it wins over what webhooks said
 * before it, unless a webhook fact is newer than the run the API describes (then status and times stay).
 */
export function transformationFromApi(
  source: TransformationSource,
  previous: TransformationView | null,
  nowMs: number,
): TransformationView {
  // DBT_CORE lists its triggering connections on the schedule, QUICKSTART on its config.
  const connections = boundedList(
    [...(source.schedule?.connection_ids ?? []), ...(source.transformation_config?.connection_ids ?? [])],
    MAX_CONNECTION_IDS,
  );
  const models = boundedList(source.output_model_names ?? [], MAX_OUTPUT_MODELS);
  const apiAsOf = newestOf(source.last_started_at, source.last_ended_at);
  const webhookNewer = previous?.as_of != null && (apiAsOf === null || previous.as_of > apiAsOf);
  const run =
    webhookNewer && previous
      ? {
          status: previous.status,
          last_started_at: previous.last_started_at,
          last_ended_at: previous.last_ended_at,
          as_of: previous.as_of,
        }
      : {
          status: source.status ? clipId(source.status) : null,
          last_started_at: source.last_started_at ?? null,
          last_ended_at: source.last_ended_at ?? null,
          as_of: apiAsOf,
        };
  const name = source.transformation_config?.name ?? source.transformation_config?.package_name ?? null;
  const record = {
    id: clipId(source.id),
    name: name ? clipId(name) : (previous?.name ?? null),
    type: source.type ? clipId(source.type) : null,
    paused: source.paused ?? null,
    ...run,
    connection_ids: connections.list,
    output_model_names: models.list,
    output_models_omitted: models.omitted,
    last_failure_reason: run.status === 'FAILED' ? (previous?.last_failure_reason ?? null) : null,
  };
  return { ...record, ...transformationHealth(record, previous, nowMs) };
}

/** What a `transformation_*` / `transformation_run_*` / `dbt_run_*` webhook says about a run. */
export interface TransformationEventFact {
  readonly transformation_id: string;
  readonly name: string | null;
  readonly kind: 'start' | 'succeeded' | 'failed';
  readonly at: string;
  readonly at_ms: number;
  readonly reason: string | null;
}

const EVENT_KINDS: Readonly<Record<string, TransformationEventFact['kind']>> = {
  transformation_start: 'start',
  transformation_succeeded: 'succeeded',
  transformation_failed: 'failed',
  transformation_run_start: 'start',
  transformation_run_succeeded: 'succeeded',
  transformation_run_failed: 'failed',
  dbt_run_start: 'start',
  dbt_run_succeeded: 'succeeded',
  dbt_run_failed: 'failed',
};

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** dbt runs report per-step results; the first failed step's error says most. */
function dbtFailure(data: Readonly<Record<string, unknown>>): string | null {
  const result = data.result as { description?: unknown; stepResults?: unknown } | undefined;
  const steps = Array.isArray(result?.stepResults) ? (result.stepResults as Record<string, unknown>[]) : [];
  for (const step of steps.slice(0, 100)) {
    if (step?.success !== false) continue;
    const name = text((step.step as Record<string, unknown> | undefined)?.name) ?? 'a step';
    const command = step.commandResult as Record<string, unknown> | undefined;
    const detail =
      text(command?.error) ??
      (typeof command?.exitCode === 'number' ? `exit code ${command.exitCode}` : null);
    return detail ? `${name} failed: ${detail}` : `${name} failed`;
  }
  return text(result?.description);
}

/** Reads a transformation webhook tolerantly (Fivetran documents no `data` for most of them); null if not one. */
export function transformationEventFact(
  event: FivetranEvent,
  receivedAt: string,
): TransformationEventFact | null {
  const kind = EVENT_KINDS[event.event];
  if (!kind) return null;
  const { data } = event;
  const transformationId =
    text(data.transformation_id) ??
    text(data.transformationId) ??
    text(data.id) ??
    text(data.dbtJobId) ??
    text(data.dbt_job_id);
  const atMs = event.createdAtMs ?? toInstantMs(receivedAt);
  if (!transformationId || atMs === null) return null;
  const reason =
    kind === 'failed'
      ? (text(data.reason) ?? text(data.message) ?? text(data.error) ?? dbtFailure(data))
      : null;
  return {
    transformation_id: clipId(transformationId),
    name: (() => {
      const name = text(data.transformation_name) ?? text(data.name) ?? text(data.dbtJobName);
      return name ? clipId(name) : null;
    })(),
    kind,
    at: new Date(atMs).toISOString(),
    at_ms: atMs,
    reason: reason ? reason.slice(0, MAX_REASON_LENGTH) : null,
  };
}

/** A transformation known by its id (and maybe its name) only: every other fact still unknown. */
export function unknownTransformation(
  id: string,
  name: string | null,
): Omit<TransformationView, 'health' | 'health_reason'> {
  return {
    id,
    name,
    type: null,
    status: null,
    paused: null,
    last_started_at: null,
    last_ended_at: null,
    connection_ids: [],
    output_model_names: [],
    output_models_omitted: 0,
    last_failure_reason: null,
    as_of: null,
  };
}

/** Applies a webhook fact to the record (a record is created if the sweep has not seen it yet). */
export function applyTransformationEvent(
  current: TransformationView | null,
  fact: TransformationEventFact,
  nowMs: number,
): TransformationView {
  const base: Omit<TransformationView, 'health' | 'health_reason'> =
    current ?? unknownTransformation(fact.transformation_id, fact.name);
  // An older or repeated fact changes nothing: deliveries come in any order and more than once.
  if (current && current.as_of !== null && fact.at_ms <= current.as_of) return current;
  const record = {
    ...base,
    name: base.name ?? fact.name,
    as_of: fact.at_ms,
    ...(fact.kind === 'start'
      ? { status: 'RUNNING', last_started_at: fact.at, last_failure_reason: base.last_failure_reason }
      : fact.kind === 'succeeded'
        ? { status: 'SUCCEEDED', last_ended_at: fact.at, last_failure_reason: null }
        : { status: 'FAILED', last_ended_at: fact.at, last_failure_reason: fact.reason }),
  };
  return { ...record, ...transformationHealth(record, current, nowMs) };
}
