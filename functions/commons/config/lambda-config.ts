import { type Env, optionalSetting, required, setting, text } from './env.ts';
import { fivetranApiUrl } from './fivetran-settings.ts';

/** What each deployed function reads from its environment (the stack sets every required variable). */
export interface LambdaConfigs {
  readonly webhook: {
    readonly tableName: string;
    readonly webhookSecretArn: string;
    readonly eventRetentionDays: number;
  };
  readonly sweep: {
    readonly tableName: string;
    readonly apiCredentialSecretArn: string;
    readonly schemaRequestBudget: number;
    readonly requestsPerHour: number | null;
    readonly eventRetentionDays: number;
    readonly fivetranApiUrl: string;
  };
  readonly api: {
    readonly tableName: string;
    /** Null: `POST /api/sweeps` answers 405 (the stack always sets it). */
    readonly sweepFunctionName: string | null;
    readonly eventRetentionDays: number;
  };
}

const readers: { readonly [K in keyof LambdaConfigs]: (env: Env) => LambdaConfigs[K] } = {
  webhook: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    webhookSecretArn: required(env, 'WEBHOOK_SECRET_ARN'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
  }),
  sweep: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    apiCredentialSecretArn: required(env, 'API_CREDENTIAL_SECRET_ARN'),
    schemaRequestBudget: setting(env, 'SCHEMA_REQUEST_BUDGET'),
    requestsPerHour: optionalSetting(env, 'FIVETRAN_REQUESTS_PER_HOUR'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
    fivetranApiUrl: fivetranApiUrl(text(env, 'FIVETRAN_API_URL')),
  }),
  api: (env) => ({
    tableName: required(env, 'TABLE_NAME'),
    sweepFunctionName: text(env, 'SWEEP_FUNCTION_NAME') ?? null,
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
  }),
};

/** A function's configuration, validated once; a problem is a `ConfigError` naming the variable. */
export function loadLambdaConfig<K extends keyof LambdaConfigs>(
  kind: K,
  env: Env = process.env,
): LambdaConfigs[K] {
  return readers[kind](env);
}
