/**
 * Which webhook events the product's observers act on. A module of its own, free of zod: the webhook
 * function reads it on every delivery to decide whether to load the observers at all.
 */

/** The `transformation_*` and `dbt_run_*` events that move a transformation's status. */
export const TRANSFORMATION_EVENT = /^(transformation|transformation_run|dbt_run)_(start|succeeded|failed)$/;

/** Transformation runs always; syncs when OpenLineage is on. */
export function observedEvent(options: { readonly openLineage: unknown }) {
  return (event: string) =>
    TRANSFORMATION_EVENT.test(event) ||
    (options.openLineage !== null && (event === 'sync_start' || event === 'sync_end'));
}
