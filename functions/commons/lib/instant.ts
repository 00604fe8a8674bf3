/** Parses an instant; Fivetran's timestamps are ISO-8601 UTC, but any parseable instant is accepted. */
export function toInstantMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Sortable form of an instant: fixed-width ISO-8601 UTC, so string order is time order. */
export function instantKey(ms: number): string {
  return new Date(ms).toISOString();
}
