import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { parseSecretList } from './webhook/signature.ts';

/** A configuration problem, reported to the operator as one line (never a stack trace). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Process env over a `.env` file in the working directory: the environment wins. */
export function loadEnv(env: Env = process.env, dotenvPath = '.env'): Env {
  if (!existsSync(dotenvPath)) return env;
  const fromFile = parseEnv(readFileSync(dotenvPath, 'utf8'));
  return { ...fromFile, ...env };
}

export interface LocalConfig {
  readonly port: number;
  readonly host: string;
  readonly apiToken: string | null;
  readonly dataDir: string;
  readonly fivetranApiUrl: string;
  /** Both present, or null: demo mode with the built-in simulator. */
  readonly fivetranCredential: FivetranCredential | null;
  /** Current first; null means "generate one into DATA_DIR". */
  readonly webhookSecrets: readonly string[] | null;
  readonly sweepIntervalMinutes: number;
  readonly schemaRequestBudget: number;
  readonly eventRetentionDays: number;
}

export interface FivetranCredential {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export const DEFAULT_FIVETRAN_API_URL = 'https://api.fivetran.com';

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Validates a Fivetran base URL: https, or plain http only to a loopback host (the simulator). */
export function fivetranApiUrl(raw: string | undefined): string {
  const value = raw ?? DEFAULT_FIVETRAN_API_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`FIVETRAN_API_URL is not a URL: "${value}"`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(`FIVETRAN_API_URL may use plain http only for a loopback host, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`FIVETRAN_API_URL must be http(s), got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

export function fivetranCredential(env: Env): FivetranCredential | null {
  const apiKey = text(env, 'FIVETRAN_API_KEY');
  const apiSecret = text(env, 'FIVETRAN_API_SECRET');
  if (!apiKey && !apiSecret) return null;
  if (!apiKey || !apiSecret) {
    throw new ConfigError('set both FIVETRAN_API_KEY and FIVETRAN_API_SECRET, or neither for demo mode');
  }
  return { apiKey, apiSecret };
}

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
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host,
    apiToken,
    dataDir: text(env, 'DATA_DIR') ?? '.data',
    fivetranApiUrl: fivetranApiUrl(text(env, 'FIVETRAN_API_URL')),
    fivetranCredential: fivetranCredential(env),
    webhookSecrets,
    sweepIntervalMinutes: integer(env, 'SWEEP_INTERVAL_MINUTES', 15, 1, 24 * 60),
    schemaRequestBudget: integer(env, 'SCHEMA_REQUEST_BUDGET', 200, 0, 100_000),
    eventRetentionDays: integer(env, 'EVENT_RETENTION_DAYS', 90, 1, 3650),
  };
}
