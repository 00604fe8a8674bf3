import { ConfigError, type Env, text } from './env.ts';

export interface FivetranCredential {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export const DEFAULT_FIVETRAN_API_URL = 'https://api.fivetran.com';

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
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
