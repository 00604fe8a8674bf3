import {
  isMissingSchemaConfig,
  NotFoundError,
  PermissionMissingError,
  RateLimitedError,
  UnreachableError,
} from '../fivetran/errors.ts';
import { WorkPool } from '../lib/work-pool.ts';
import { compareDue, type DueSchema, schemaDue } from './schema-due.ts';
import { summarizeSchemaConfig } from './schema-summary.ts';
import { remainingOptional } from './sweep-budget.ts';
import type { ConnectionListing } from './sweep-connections.ts';
import { ensureTime, type SweepContext, SweepTimeUp } from './sweep-context.ts';
import { saveDestinationTables } from './sweep-tables.ts';

export interface SchemaPhaseResult {
  /** Schemas still due when the phase ended (budget or time): the next sweeps take them, oldest first. */
  readonly left: number;
  /** Why the phase stopped early, or null. */
  readonly stoppedBecause: string | null;
}

/**
 * Schema selections for the listed connections that are new, changed, or fetched more than a day ago,
 * never-fetched first, then oldest first, within the per-sweep request budget. `NotFound_SchemaConfig` is
 * "no schema yet" and is recorded as such. Rate limiting or an unreachable API ends the phase (the listing
 * is already safe); the rest waits for the next sweep.
 */
export async function sweepSchemas(
  context: SweepContext,
  listing: ConnectionListing,
): Promise<SchemaPhaseResult> {
  const { tally } = context;
  const nowMs = context.now();
  const freshness = await context.repositories.schemas.readFreshness();
  const due: DueSchema[] = [];
  for (const candidate of listing.seen.values()) {
    if (listing.stored.get(candidate.id)?.deleted_at) continue;
    const entry = schemaDue(candidate, freshness.get(candidate.id), nowMs);
    if (entry !== null) due.push(entry);
  }
  due.sort(compareDue);
  tally.schemas_due = due.length;

  // The per-sweep cap, within what the hourly budget leaves for optional requests.
  const hourly =
    context.findings.optional === null
      ? Number.POSITIVE_INFINITY
      : remainingOptional(context.findings.optional);
  const budget = Math.max(0, Math.min(context.schemaRequestBudget, hourly));
  const batch = due.slice(0, budget);
  tally.schemas_planned = batch.length;
  context.progress('schemas');
  let stoppedBecause: string | null = null;
  let done = 0;
  const pool = new WorkPool(Math.min(4, context.concurrency));
  try {
    for (const entry of batch) {
      ensureTime(context, 'fetching schemas');
      await pool.add(async () => {
        await fetchSchema(context, entry, listing);
        done++;
        context.progress('schemas');
      });
    }
    await pool.drain();
  } catch (error) {
    await pool.settle();
    if (
      !(
        error instanceof SweepTimeUp ||
        error instanceof RateLimitedError ||
        error instanceof UnreachableError
      )
    ) {
      throw error;
    }
    stoppedBecause = error.message;
  }
  const left = due.length - done;
  if (stoppedBecause === null && left > 0 && context.schemaRequestBudget > 0) {
    const plan = context.findings.optional?.plan;
    stoppedBecause =
      hourly < context.schemaRequestBudget && plan
        ? `the hourly request budget (${plan.perHour} an hour, ${plan.basis}) was spent`
        : `the schema request budget (${context.schemaRequestBudget}) was spent`;
  }
  return { left, stoppedBecause };
}

async function fetchSchema(
  context: SweepContext,
  entry: DueSchema,
  listing: ConnectionListing,
): Promise<void> {
  const base = {
    connection_id: entry.id,
    fetched_at: new Date(context.now()).toISOString(),
    fingerprint: entry.fingerprint,
    synced_as_of: entry.succeeded_at,
  };
  context.tally.schema_fetches++;
  if (context.findings.optional) context.findings.optional.used++;
  try {
    const config = await context.client.connectionSchemas(entry.id);
    await context.repositories.schemas.save({
      ...base,
      state: 'present',
      summary: summarizeSchemaConfig(config),
    });
    await saveDestinationTables(context, listing.stored.get(entry.id), config);
  } catch (error) {
    if (isMissingSchemaConfig(error)) {
      await context.repositories.schemas.save({ ...base, state: 'none', summary: null });
    } else if (error instanceof NotFoundError || error instanceof PermissionMissingError) {
      // Gone since the listing, or hidden from this key: the next sweep's listing decides.
      return;
    } else {
      throw error;
    }
  }
  context.tally.items_written++;
}
