import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AlertConfig, alertEnvFromSecret, parseAlertConfig } from '../alerts/alert-config.ts';
import { CHANNEL_NAMES, type ChannelName } from '../alerts/alert-model.ts';
import type { AlertPassDeps } from '../alerts/alert-pass.ts';
import { AWS_TIMEOUTS, awsClientConfig } from '../aws/client-config.ts';
import { ConfigError, type Env, required, setting } from '../config/env.ts';
import { logger } from '../observability/logger.ts';
import { createRepositories } from '../store/repositories.ts';
import { documentClient } from '../store/table/document-client.ts';

/** The channels' secret is cached this long by Powertools Parameters: a filled-in URL works within minutes. */
export const ALERT_SECRET_MAX_AGE_SECONDS = 300;
/**
 * Changes kept less than this long ago wait for the next pass: the inbox is read through an eventually
 * consistent index, and an older change of a connection must not be overtaken by a newer one.
 */
export const DEPLOYED_SETTLE_MS = 5_000;

/** The alert settings that are not secret, as the stack sets them (from `-c alert…` context). */
export const ALERT_SETTING_VARIABLES = [
  'ALERT_QUIET_MINUTES',
  'ALERT_ON',
  'ALERT_GROUPS',
  'ALERT_SERVICES',
  'ALERT_DIGEST_AT',
  'ALERT_PAUSED_HOURS',
  'ALERT_DASHBOARD_URL',
  // events.eu.pagerduty.com for PagerDuty's EU service region.
  'PAGERDUTY_EVENTS_URL',
] as const;

export interface AlertsLambdaConfig {
  readonly tableName: string;
  readonly alertSecretArn: string;
  readonly eventRetentionDays: number;
  /** `ALERT_CHANNELS`: the channels the stack enabled; one filled in the secret but not listed is ignored. */
  readonly channels: readonly ChannelName[];
  /** The non-secret `ALERT_*` settings, checked now so a bad value fails the first invocation clearly. */
  readonly settings: Env;
}

export function parseAlertChannelList(value: string | undefined): ChannelName[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of names) {
    if (!(CHANNEL_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(
        `ALERT_CHANNELS: unknown channel "${name.slice(0, 40)}"; use ${CHANNEL_NAMES.join(', ')}`,
      );
    }
  }
  return [...new Set(names)] as ChannelName[];
}

export function loadAlertsLambdaConfig(env: Env = process.env): AlertsLambdaConfig {
  const settings = Object.fromEntries(
    ALERT_SETTING_VARIABLES.flatMap((name) => (env[name] !== undefined ? [[name, env[name]]] : [])),
  );
  parseAlertConfig(settings);
  return {
    tableName: required(env, 'TABLE_NAME'),
    alertSecretArn: required(env, 'ALERT_SECRET_ARN'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
    channels: parseAlertChannelList(env.ALERT_CHANNELS),
    settings,
  };
}

/** Channels filled in the secret but not enabled by the stack are left out. */
export function enabledOnly(config: AlertConfig, enabled: readonly ChannelName[]): AlertConfig {
  const keep = <K extends ChannelName>(name: K) => (enabled.includes(name) ? config.channels[name] : null);
  return {
    ...config,
    channels: { slack: keep('slack'), teams: keep('teams'), pagerduty: keep('pagerduty') },
  };
}

export interface AlertsWiring {
  readonly repositories: AlertPassDeps['repositories'];
  /** The settings with the channels' URLs and keys from the secret (cached); a bad secret is a ConfigError. */
  alertConfig(): Promise<AlertConfig>;
  readonly settleMs: number;
}

/** The alerts function's clients, repositories and secret cache for one function instance. */
export function wireAlerts(config: AlertsLambdaConfig): AlertsWiring {
  const aws = awsClientConfig(AWS_TIMEOUTS.alerts);
  const repositories = createRepositories(
    { client: documentClient(new DynamoDBClient(aws)), tableName: config.tableName },
    { retentionDays: config.eventRetentionDays },
  );
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(aws) });
  return {
    repositories,
    settleMs: DEPLOYED_SETTLE_MS,
    async alertConfig() {
      let value: unknown;
      try {
        value = await secrets.get(config.alertSecretArn, { maxAge: ALERT_SECRET_MAX_AGE_SECONDS });
      } catch (error) {
        const name = (error as { cause?: { name?: string } }).cause?.name ?? (error as Error).name;
        logger.warn('could not read the alert secret', { name });
        throw new ConfigError(
          `could not read secret ${config.alertSecretArn} from Secrets Manager (${name})`,
        );
      }
      if (typeof value !== 'string') throw new ConfigError('the alert secret is not a string secret');
      const parsed = parseAlertConfig({ ...config.settings, ...alertEnvFromSecret(value) });
      return enabledOnly(parsed, config.channels);
    },
  };
}
