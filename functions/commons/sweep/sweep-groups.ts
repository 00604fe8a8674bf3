import type { Destination, Group } from '../fivetran/schemas.ts';
import { clipKept, MAX_LABEL_LENGTH } from '../lib/text.ts';
import { usableId } from '../lib/usable-id.ts';
import type { GroupDestination } from '../store/repositories/groups.ts';
import { ensureTime, type SweepContext } from './sweep-context.ts';

/** Names and states copied from Fivetran onto the group item, clipped (a group item must stay writable). */
const label = (value: string | null | undefined) => clipKept(value, MAX_LABEL_LENGTH);

function destinationOf(destination: Destination | undefined): GroupDestination | null {
  if (!destination) return null;
  return {
    id: label(destination.id) ?? '',
    service: label(destination.service),
    region: label(destination.region),
    setup_status: label(destination.setup_status),
    time_zone_offset: label(destination.time_zone_offset),
  };
}

/**
 * Groups and their destinations: `GET /v1/groups` and `GET /v1/destinations`, both paged at 1,000 (a
 * destination shares its group's id), instead of one destination request per group. A group without a
 * destination gets `destination: null`. Only groups whose content changed are written. Returns the
 * destinations by group id (lineage naming reads their `config`).
 */
export async function sweepGroups(context: SweepContext): Promise<Map<string, Destination>> {
  const { client, tally } = context;
  const groups: Group[] = [];
  for await (const page of client.groupPages()) {
    groups.push(...page.items);
    ensureTime(context, 'listing groups');
  }
  tally.groups_seen = groups.length;
  context.progress('groups');
  const destinations = new Map<string, Destination>();
  for await (const page of client.destinationPages()) {
    for (const destination of page.items)
      destinations.set(destination.group_id || destination.id, destination);
    ensureTime(context, 'listing destinations');
  }
  const stored = await context.repositories.groups.readAll();
  const nowIso = new Date(context.now()).toISOString();
  for (const group of groups) {
    // An id that cannot be a key is not stored (its connections still are).
    if (usableId(group.id) === null) continue;
    const written = await context.repositories.groups.save(
      {
        id: group.id,
        name: label(group.name),
        created_at: label(group.created_at),
        destination: destinationOf(destinations.get(group.id)),
      },
      stored.get(group.id),
      nowIso,
    );
    if (written) tally.items_written++;
  }
  context.progress('groups');
  return destinations;
}
