// zod/mini with named imports: these shapes are on the webhook Lambda's path (its transformation observer).
import { enum as enumOf, type infer as Infer, maxLength, nullable, object, string } from 'zod/mini';
import { toInstantMs } from '../lib/instant.ts';

/** The connection's health words; a transformation uses the same, so one filter reads both. */
export const TRANSFORMATION_HEALTH_VALUES = ['failing', 'pending', 'delayed', 'paused', 'healthy'] as const;

export const TRANSFORMATION_HEALTH_CODES = [
  'paused',
  'transformation_failed',
  'partially_succeeded',
  'never_run',
  'blocked',
  'running_long',
] as const;

export const healthReasonSchema = object({
  code: enumOf(TRANSFORMATION_HEALTH_CODES),
  message: string().check(maxLength(4_096)),
  /** When the verdict began (kept across re-computations while it holds); null when unknown. */
  since: nullable(string()),
});

export const transformationHealthSchema = object({
  health: enumOf(TRANSFORMATION_HEALTH_VALUES),
  health_reason: nullable(healthReasonSchema),
});

export type TransformationVerdict = Infer<typeof transformationHealthSchema>;
export type HealthReason = Infer<typeof healthReasonSchema>;

/** The record fields the verdict reads. */
export interface TransformationHealthInput {
  readonly status: string | null;
  readonly paused: boolean | null;
  readonly last_started_at: string | null;
  readonly last_ended_at: string | null;
  readonly last_failure_reason: string | null;
}

/** A run still going after this long is reported `delayed` (Fivetran stops dbt runs well before). */
export const RUNNING_TOO_LONG_MS = 6 * 60 * 60_000;
const RUNNING_STATUSES = new Set(['SCHEDULING', 'RUNNING', 'TERMINATING']);

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Health of a transformation, first match wins: `paused` → `failing` (last run FAILED or
 * PARTIALLY_SUCCEEDED) → `pending` (never run) → `delayed` (BLOCKED, or running too long) → `healthy`
 * (SUCCEEDED, CANCELED by a person, or a status we do not know: never failing on a word we cannot read).
 * A run in progress keeps a previous `failing` verdict: the last finished run is still the failed one.
 * `since` is carried over from `previous` while the same reason holds.
 */
export function transformationHealth(
  input: TransformationHealthInput,
  previous: TransformationVerdict | null,
  nowMs: number,
  runningTooLongMs = RUNNING_TOO_LONG_MS,
): TransformationVerdict {
  const verdict = (health: TransformationVerdict['health'], reason: HealthReason): TransformationVerdict => {
    const held = previous?.health === health && previous.health_reason?.code === reason.code;
    return {
      health,
      health_reason: held ? { ...reason, since: previous.health_reason?.since ?? reason.since } : reason,
    };
  };
  const endedAt = toInstantMs(input.last_ended_at);
  const startedAt = toInstantMs(input.last_started_at);
  if (input.paused === true) {
    return verdict('paused', { code: 'paused', message: 'The transformation is paused.', since: iso(nowMs) });
  }
  const since = endedAt === null ? null : iso(endedAt);
  if (input.status === 'FAILED') {
    const message = input.last_failure_reason ?? 'The last run failed (Fivetran gave no reason).';
    return verdict('failing', { code: 'transformation_failed', message, since });
  }
  if (input.status === 'PARTIALLY_SUCCEEDED') {
    const message = 'The last run partly failed: some models were not built.';
    return verdict('failing', { code: 'partially_succeeded', message, since });
  }
  if (input.status === 'NEW' || (input.status === null && startedAt === null && endedAt === null)) {
    return verdict('pending', {
      code: 'never_run',
      message: 'The transformation has not run yet.',
      since: null,
    });
  }
  if (input.status === 'BLOCKED') {
    const message = 'The transformation is blocked, waiting on what it depends on.';
    return verdict('delayed', { code: 'blocked', message, since: iso(nowMs) });
  }
  const running = input.status !== null && RUNNING_STATUSES.has(input.status);
  // A new run does not clear a failure: until it ends, the last finished run is the one that failed.
  if (running && previous?.health === 'failing') return previous;
  if (running && startedAt !== null) {
    const runningMs = nowMs - startedAt;
    if (runningMs > runningTooLongMs) {
      const hours = Math.floor(runningMs / 3_600_000);
      const message = `The current run started ${hours} hours ago and has not ended.`;
      return verdict('delayed', { code: 'running_long', message, since: iso(startedAt + runningTooLongMs) });
    }
  }
  return { health: 'healthy', health_reason: null };
}
