import { PermissionMissingError, RateLimitedError, UnreachableError } from '../fivetran/errors.ts';
import type { Destination } from '../fivetran/schemas.ts';
import { LINEAGE_CONFIG_FIELDS } from '../lineage/dataset-naming.ts';
import { type LineageNaming, pickNamingConfig, sameNaming } from '../store/repositories/lineage-naming.ts';
import { remainingOptional } from './sweep-budget.ts';
import type { ConnectionListing } from './sweep-connections.ts';
import type { SweepContext } from './sweep-context.ts';

/**
 * With OPENLINEAGE_URL set: what OpenLineage dataset names are made of (the destination's host, database or
 * project; a database source's host, port and database), kept in items no route reads, and the Fivetran
 * account id (the default job namespace; one `GET /v1/account/info`, once). Hosts are sensitive, so they are
 * never on the connection item nor in an API answer, and nothing is kept while lineage is off.
 * Returns a note when the account id could not be read yet.
 */
export async function sweepLineageNaming(
  context: SweepContext,
  listing: ConnectionListing,
  destinations: ReadonlyMap<string, Destination>,
): Promise<string | null> {
  const { lineageNaming } = context.repositories;
  const stored = await lineageNaming.readAll();
  const write = async (owner: 'connection' | 'destination', id: string, naming: LineageNaming) => {
    const before = (owner === 'connection' ? stored.connections : stored.destinations).get(id);
    // Nothing to name a dataset by, and nothing stored before: no item at all.
    if (before === undefined && Object.keys(naming.config).length === 0) return;
    if (sameNaming(before, naming)) return;
    await lineageNaming.save(owner, id, naming);
    context.tally.items_written++;
  };
  for (const [groupId, destination] of destinations) {
    await write('destination', groupId, {
      service: destination.service ?? null,
      config: pickNamingConfig(destination.config, LINEAGE_CONFIG_FIELDS),
    });
  }
  for (const [id, config] of listing.apiConfigs) {
    await write('connection', id, {
      service: listing.stored.get(id)?.service ?? null,
      config: pickNamingConfig(config, LINEAGE_CONFIG_FIELDS),
    });
  }
  if ((await lineageNaming.accountId()) !== null) return null;
  const budget = context.findings.optional;
  if (budget !== null && remainingOptional(budget) === 0) {
    return 'lineage: the account id waits for the next sweep (hourly request budget spent)';
  }
  try {
    if (budget) budget.used++;
    const info = await context.client.accountInfo();
    await lineageNaming.saveAccountId(info.account_id);
    context.tally.items_written++;
    return null;
  } catch (error) {
    if (
      error instanceof RateLimitedError ||
      error instanceof UnreachableError ||
      error instanceof PermissionMissingError
    ) {
      return `lineage: the account id could not be read (${error.message})`;
    }
    throw error;
  }
}
