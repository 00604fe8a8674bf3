import * as z from 'zod';
import { connectionView, connectionViewShape, lastActionSchema } from '../connection/connection.ts';
import { syncRunView, syncRunViewSchema } from '../connection/sync-run.ts';
import { syncStatsOf, syncStatsSchema } from '../connection/sync-stats.ts';
import type { Repositories } from '../store/repositories.ts';

const instant = z.string().describe('ISO-8601 instant');

export const schemaSelectionSchema = z.strictObject({
  state: z
    .enum(['present', 'none'])
    .describe('`none`: Fivetran has no schema config yet (before the first sync)'),
  fetched_at: instant,
  summary: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'Counts of enabled schemas, tables and columns, and per enabled schema its tables and sync modes',
    ),
});

export const RECENT_SYNC_RUNS = 20;

/** `GET /api/connections/{id}`: the connection plus what it replicates and its recent runs. */
export const connectionDetailSchema = z.strictObject({
  ...connectionViewShape,
  config: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .nullable()
    .describe("The non-sensitive, allow-listed part of Fivetran's `config`, from the sweep"),
  schema_selection: schemaSelectionSchema
    .nullable()
    .describe('What the connection replicates, from the sweep; null until its schema was fetched'),
  syncs: z
    .array(syncRunViewSchema)
    .describe(
      `The last ${RECENT_SYNC_RUNS} sync runs, newest first (all of them: GET /api/connections/{id}/syncs).`,
    ),
  sync_stats: z
    .strictObject(syncStatsSchema.def.shape)
    .describe(
      'Runs of the last 7 days (today and the six UTC days before, from `since`), rolled up as they are ' +
        'learnt: counts, success rate (succeeded / (succeeded + failed)) and duration percentiles (within ~9 %)',
    ),
  last_action: z
    .nullable(lastActionSchema)
    .describe('The newest edit_connector, resync_connector, resync_table or force_update_connector event'),
});
export type ConnectionDetail = z.infer<typeof connectionDetailSchema>;

/** The detail of one connection, or null when none has this id. */
export async function readConnectionDetail(
  repos: Pick<Repositories, 'connections' | 'syncRuns' | 'schemas'>,
  id: string,
  nowMs: number = Date.now(),
): Promise<ConnectionDetail | null> {
  const found = await repos.connections.get(id);
  if (found === null) return null;
  const [syncs, schema] = await Promise.all([
    repos.syncRuns.listRecent(found.id, RECENT_SYNC_RUNS),
    repos.schemas.get(found.id),
  ]);
  return {
    ...connectionView(found),
    config: found.config,
    schema_selection: schema && {
      state: schema.state,
      fetched_at: schema.fetched_at,
      summary: schema.summary as Record<string, unknown> | null,
    },
    syncs: syncs.map(syncRunView),
    sync_stats: syncStatsOf(found.sync_ledger, nowMs),
    last_action: found.last_action,
  };
}
