import type { SimAccount, SimTransformation } from './account.ts';
import { iso } from './connection-generator.ts';
import type { IdFactory } from './names.ts';
import type { Random } from './prng.ts';
import { modelNamesFor } from './service-profiles.ts';

const HOUR = 60 * 60_000;

/**
 * A few transformations, as `GET /v1/transformations` lists them: a dbt Core job per group (at most three)
 * on the integrated schedule behind that group's first connections, and one Quickstart package; mostly
 * succeeded, one failed, so connection → model lineage and a failing transformation both show.
 */
export function generateTransformations(
  account: SimAccount,
  random: Random,
  ids: IdFactory,
  nowMs: number,
): void {
  const byGroup = new Map<string, string[]>();
  for (const connection of account.connections.values()) {
    const list = byGroup.get(connection.group_id) ?? [];
    list.push(connection.id);
    byGroup.set(connection.group_id, list);
  }
  let index = 0;
  for (const [groupId, connectionIds] of [...byGroup].slice(0, 3)) {
    const feeding = connectionIds.slice(0, 2);
    const services = feeding.map((id) => account.connections.get(id)?.service ?? 'records');
    const startedMs = nowMs - random.int(1, 6) * HOUR;
    const transformation: SimTransformation = {
      id: ids.next(),
      group_id: groupId,
      type: index === 2 ? 'QUICKSTART' : 'DBT_CORE',
      status: index === 1 ? 'FAILED' : 'SUCCEEDED',
      paused: false,
      created_at: iso(nowMs - random.int(30, 400) * 24 * HOUR),
      created_by_id: account.ownerId,
      last_started_at: iso(startedMs),
      last_ended_at: iso(startedMs + random.int(30, 600) * 1_000),
      output_model_names: services.flatMap(modelNamesFor),
      schedule: {
        schedule_type: index === 2 ? 'INTERVAL' : 'INTEGRATED',
        connection_ids: index === 2 ? [] : feeding,
        interval: index === 2 ? 360 : null,
        time_of_day: null,
        smart_syncing: index !== 2,
      },
      transformation_config:
        index === 2
          ? { package_name: `${services[0]}_quickstart`, connection_ids: feeding, excluded_models: [] }
          : {
              project_id: ids.next(),
              name: `${services[0]} models`,
              steps: [{ name: 'build', command: 'dbt build' }],
            },
    };
    account.transformations.set(transformation.id, transformation);
    index++;
  }
}
