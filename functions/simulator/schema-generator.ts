import type { SchemaConfig } from '#commons/fivetran/schemas';
import type { Random } from './prng.ts';
import { serviceProfile } from './service-profiles.ts';

/** A schema config as a connection has it after its first sync: only user-overridden columns appear. */
export function generateSchemaConfig(
  service: string,
  destinationSchema: string,
  random: Random,
): SchemaConfig {
  const profile = serviceProfile(service);
  const sourceSchema = profile?.sourceSchema ?? 'public';
  const tableNames = profile?.tables ?? ['records'];
  const tables: NonNullable<NonNullable<SchemaConfig['schemas']>[string]['tables']> = {};
  for (const table of tableNames) {
    const enabled = random.chance(0.85);
    tables[table] = {
      name_in_destination: table,
      enabled,
      sync_mode: random.chance(0.8) ? 'SOFT_DELETE' : 'HISTORY',
      supports_columns_config: true,
      supports_history_mode: true,
      enabled_patch_settings: { allowed: true, reason: null, reason_code: null },
      columns: random.chance(0.3)
        ? {
            email: {
              name_in_destination: 'email',
              enabled: true,
              hashed: true,
              is_primary_key: false,
              enabled_patch_settings: { allowed: true, reason: null, reason_code: null },
            },
          }
        : {},
    };
  }
  return {
    enable_new_by_default: random.chance(0.7),
    schema_change_handling: random.pick(['ALLOW_ALL', 'ALLOW_COLUMNS', 'BLOCK_ALL']),
    schemas: { [sourceSchema]: { name_in_destination: destinationSchema, enabled: true, tables } },
  };
}
