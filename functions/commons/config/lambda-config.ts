import { type Env, optionalSetting, required, setting, text } from './env.ts';
import { fivetranApiUrl } from './fivetran-settings.ts';

/** What each deployed function reads from its environment (the stack sets every required variable). */
export interface LambdaConfigs {
  readonly webhook: {
    readonly tableName: string;
    readonly webhookSecretArn: string;
    readonly eventRetentionDays: number;
    /** OPENLINEAGE_URL and OPENLINEAGE_NAMESPACE as set (validated where lineage loads); null: lineage off. */
    readonly openLineage: { readonly url: string; readonly namespace: string | null } | null;
  };
  readonly sweep: {
    readonly tableName: string;
    readonly apiCredentialSecretArn: string;
    readonly schemaRequestBudget: number;
    readonly requestsPerHour: number | null;
    readonly eventRetentionDays: number;
    readonly fivetranApiUrl: string;
    /** OPENLINEAGE_URL is set: the sweep keeps what dataset names need. */
    readonly lineageNaming: boolean;
  };
  readonly api: {
    readonly tableName: string;
    /** Null: `POST /api/sweeps` answers 405 (the stack always sets it). */
    readonly sweepFunctionName: string | null;
    readonly eventRetentionDays: number;
  };
  /** The OpenLineage deliverer (`functions/lineage`). */
  readonly lineage: {
    readonly tableName: string;
    readonly eventRetentionDays: number;
    readonly openLineageUrl: string;
    readonly openLineageNamespace: string | null;
    /** JSON `{ "apiKey": "…" }`; an empty key sends no Authorization header. */
    readonly apiKeySecretArn: string;
  };
}

const readers: { readonly [K in keyof LambdaConfigs]: (env: Env) => LambdaConfigs[K] } = {
  webhook: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    webhookSecretArn: required(env, 'WEBHOOK_SECRET_ARN'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
    openLineage: openLineageOf(env),
  }),
  sweep: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    apiCredentialSecretArn: required(env, 'API_CREDENTIAL_SECRET_ARN'),
    schemaRequestBudget: setting(env, 'SCHEMA_REQUEST_BUDGET'),
    requestsPerHour: optionalSetting(env, 'FIVETRAN_REQUESTS_PER_HOUR'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
    fivetranApiUrl: fivetranApiUrl(text(env, 'FIVETRAN_API_URL')),
    lineageNaming: text(env, 'OPENLINEAGE_URL') !== undefined,
  }),
  api: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    sweepFunctionName: text(env, 'SWEEP_FUNCTION_NAME') ?? null,
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
  }),
  lineage: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
    openLineageUrl: required(env, 'OPENLINEAGE_URL'),
    openLineageNamespace: text(env, 'OPENLINEAGE_NAMESPACE') ?? null,
    apiKeySecretArn: required(env, 'OPENLINEAGE_API_KEY_SECRET_ARN'),
  }),
};

function openLineageOf(env: Env): LambdaConfigs['webhook']['openLineage'] {
  const url = text(env, 'OPENLINEAGE_URL');
  return url === undefined ? null : { url, namespace: text(env, 'OPENLINEAGE_NAMESPACE') ?? null };
}

/** A function's configuration, validated once; a problem is a `ConfigError` naming the variable. */
export function loadLambdaConfig<K extends keyof LambdaConfigs>(
  kind: K,
  env: Env = process.env,
): LambdaConfigs[K] {
  return readers[kind](env);
}
