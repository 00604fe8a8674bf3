import { EndpointUnavailableError, RateLimitedError, UnreachableError } from '../fivetran/errors.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { usableId } from '../lib/usable-id.ts';
import { type TransformationView, transformationFromApi } from '../lineage/transformation-record.ts';
import { remainingOptional } from './sweep-budget.ts';
import { ensureTime, type SweepContext, SweepTimeUp } from './sweep-context.ts';

export interface TransformationPhaseResult {
  /** Why the listing stopped early (the sweep is then `partial`), or null. */
  readonly note: string | null;
  /** Worth telling, nothing left undone (e.g. the account has no transformations endpoint). */
  readonly remark: string | null;
}

const same = (a: TransformationView, b: TransformationView) => canonicalJson(a) === canonicalJson(b);

/**
 * `GET /v1/transformations` (dbt Core and Quickstart): status, last run, the connections that trigger them
 * and their output models. Each page is an optional request within the hourly budget; only records that
 * changed are written, through the same read-modify-write the webhooks use (a newer webhook fact stays).
 */
export async function sweepTransformations(context: SweepContext): Promise<TransformationPhaseResult> {
  const budget = context.findings.optional;
  const spent = () => budget !== null && remainingOptional(budget) === 0;
  const spentNote = 'transformations: the hourly request budget was spent; the next sweeps list them';
  if (spent()) return { note: spentNote, remark: null };
  const { transformations } = context.repositories;
  const stored = await transformations.readAll();
  const nowMs = context.now();
  try {
    for await (const page of context.client.transformationPages()) {
      if (budget) budget.used++;
      for (const source of page.items) {
        const id = usableId(source.id);
        if (id === null) continue;
        const known = stored.get(id);
        if (known?.value && same(known.value, transformationFromApi(source, known.value, nowMs))) continue;
        const saved = await transformations.update(
          id,
          (current) => {
            const next = transformationFromApi(source, current, nowMs);
            return current !== null && same(current, next) ? null : next;
          },
          known,
        );
        if (saved.written) context.tally.items_written++;
      }
      if (page.nextCursor !== null) {
        ensureTime(context, 'listing transformations');
        if (spent()) return { note: spentNote, remark: null };
      }
    }
  } catch (error) {
    if (error instanceof EndpointUnavailableError) {
      return { note: null, remark: `transformations: not served for this account (${error.message})` };
    }
    if (
      error instanceof RateLimitedError ||
      error instanceof UnreachableError ||
      error instanceof SweepTimeUp
    ) {
      return { note: `transformations: ${error.message}`, remark: null };
    }
    throw error;
  }
  return { note: null, remark: null };
}
