import { parseSecretList } from '../webhook/signature.ts';
import { ConfigError, type Env, optionalSetting, setting, text } from './env.ts';
import {
  type FivetranCredential,
  fivetranApiUrl,
  fivetranCredential,
  isLoopbackHost,
} from './fivetran-settings.ts';

export interface LocalConfig {
  readonly port: number;
  readonly host: string;
  /** Host names (or `name:port`) the server answers for besides loopback names and `host` (ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
  readonly apiToken: string | null;
  readonly dataDir: string;
  readonly fivetranApiUrl: string;
  /** Both present, or null: demo mode with the built-in simulator. */
  readonly fivetranCredential: FivetranCredential | null;
  /** Current first; null means "generate one into DATA_DIR". */
  readonly webhookSecrets: readonly string[] | null;
  readonly sweepIntervalMinutes: number;
  readonly schemaRequestBudget: number;
  /** FIVETRAN_REQUESTS_PER_HOUR, or null for the default budget. */
  readonly requestsPerHour: number | null;
  readonly eventRetentionDays: number;
}

/** The local server's and the CLI's configuration (ARCHITECTURE.md, "Configuration"). */
export function loadLocalConfig(env: Env): LocalConfig {
  const host = text(env, 'HOST') ?? '127.0.0.1';
  const apiToken = text(env, 'API_TOKEN') ?? null;
  if (!isLoopbackHost(host) && !apiToken) {
    throw new ConfigError(`HOST=${host} is not a loopback address: set API_TOKEN so /api/* is not open`);
  }
  let webhookSecrets: string[] | null = null;
  const secretList = env.FIVETRAN_WEBHOOK_SECRET;
  if (secretList !== undefined && secretList !== '') {
    try {
      webhookSecrets = parseSecretList(secretList);
    } catch (error) {
      throw new ConfigError(`FIVETRAN_WEBHOOK_SECRET: ${(error as Error).message}`);
    }
  }
  return {
    port: setting(env, 'PORT'),
    host,
    allowedHosts: allowedHosts(text(env, 'ALLOWED_HOSTS')),
    apiToken,
    dataDir: text(env, 'DATA_DIR') ?? '.data',
    fivetranApiUrl: fivetranApiUrl(text(env, 'FIVETRAN_API_URL')),
    fivetranCredential: fivetranCredential(env),
    webhookSecrets,
    sweepIntervalMinutes: setting(env, 'SWEEP_INTERVAL_MINUTES'),
    schemaRequestBudget: setting(env, 'SCHEMA_REQUEST_BUDGET'),
    requestsPerHour: optionalSetting(env, 'FIVETRAN_REQUESTS_PER_HOUR'),
    eventRetentionDays: setting(env, 'EVENT_RETENTION_DAYS'),
  };
}

/** `ALLOWED_HOSTS`: comma-separated host names, optionally with `:port`; a URL or a path is a mistake. */
function allowedHosts(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const hosts = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const host of hosts) {
    if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/.test(host)) {
      throw new ConfigError(
        `ALLOWED_HOSTS: "${host.slice(0, 100)}" is not a host name (give e.g. abc.ngrok.app or host:8443)`,
      );
    }
  }
  return hosts;
}
