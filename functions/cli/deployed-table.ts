import { ConfigError } from '#commons/config/env';
import { readDeployedStack } from './deployed-stack.ts';

/**
 * The deployed table a reading command names: `--stack <name>` (its TableName and Region outputs) or
 * `--table <name>` with `--region`; neither: none (the local server or DATA_DIR).
 */
export async function deployedTable(values: {
  readonly stack?: string | undefined;
  readonly table?: string | undefined;
  readonly region?: string | undefined;
}): Promise<{ name?: string | undefined; region?: string | undefined }> {
  if (values.stack === undefined) return { name: values.table, region: values.region };
  if (values.table !== undefined) {
    throw new ConfigError('--stack names the table through its outputs: pass --stack or --table, not both');
  }
  const stack = await readDeployedStack(values.stack, { region: values.region });
  return { name: stack.tableName, region: stack.region };
}
