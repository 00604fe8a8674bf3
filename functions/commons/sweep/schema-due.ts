import { createHash } from 'node:crypto';
import { allowListedConfig } from '../connection/connection-config.ts';
import type { Connection as ApiConnection } from '../fivetran/schemas.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { toInstantMs } from '../lib/instant.ts';
import type { SchemaFreshness } from '../store/repositories/schemas.ts';

/** A schema summary older than this is fetched again (when the budget allows). */
export const SCHEMA_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * What a connection replicates can change when its definition does (service, destination schema, setup,
 * the allow-listed config), not when it merely syncs: the fingerprint covers exactly those fields, so a
 * connection that synced since the last fetch is not "changed", one whose setup was edited is.
 */
export function definitionFingerprint(api: ApiConnection): string {
  const definition = {
    group_id: api.group_id,
    service: api.service,
    schema: api.schema,
    setup_state: api.status?.setup_state ?? null,
    schema_status: api.status?.schema_status ?? null,
    config: allowListedConfig(api.config),
  };
  return createHash('sha256').update(canonicalJson(definition)).digest('base64url').slice(0, 22);
}

export interface SchemaCandidate {
  readonly id: string;
  readonly fingerprint: string;
  readonly succeeded_at: string | null;
  /** When an `edit_connector` webhook said the connection was edited (its schema may have changed). */
  readonly edited_at?: string | null;
}

export interface DueSchema extends SchemaCandidate {
  /** 0 never fetched · 1 changed since (or synced since "no schema yet") · 2 older than a day. */
  readonly rank: 0 | 1 | 2;
  readonly fetchedMs: number;
}

/** Whether (and how urgently) a connection's schema should be fetched; null when it is fresh. */
export function schemaDue(
  candidate: SchemaCandidate,
  freshness: SchemaFreshness | undefined,
  nowMs: number,
): DueSchema | null {
  if (freshness === undefined) return { ...candidate, rank: 0, fetchedMs: 0 };
  const fetchedMs = toInstantMs(freshness.fetched_at) ?? 0;
  if (freshness.fingerprint !== candidate.fingerprint) return { ...candidate, rank: 1, fetchedMs };
  const editedMs = toInstantMs(candidate.edited_at ?? null);
  if (editedMs !== null && editedMs > fetchedMs) return { ...candidate, rank: 1, fetchedMs };
  if (freshness.state === 'none' && freshness.synced_as_of !== candidate.succeeded_at) {
    return { ...candidate, rank: 1, fetchedMs };
  }
  if (nowMs - fetchedMs >= SCHEMA_MAX_AGE_MS) return { ...candidate, rank: 2, fetchedMs };
  return null;
}

/** Never fetched first, then changed, then oldest first; the id keeps the order total. */
export function compareDue(a: DueSchema, b: DueSchema): number {
  return a.rank - b.rank || a.fetchedMs - b.fetchedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
