import type { LocalConfig } from '#commons/config';
import { curlExample } from './curl-example.ts';
import type { LocalServer } from './local-server.ts';

/** The address a shell on this machine reaches the server at (a wildcard bind answers on loopback). */
function reachableUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

/** The start-up banner: where it listens, where its data lives, which mode, and a signed example. */
export function banner(config: LocalConfig, server: LocalServer, now: Date): string {
  const mode = config.fivetranCredential
    ? `Fivetran account at ${config.fivetranApiUrl}. The sweep is not built yet, so this server only takes webhooks for now.`
    : 'demo (no FIVETRAN_API_KEY/FIVETRAN_API_SECRET). The built-in demo account and the sweep are not built yet, so this server only takes webhooks for now.';
  const secret = server.webhookSecret;
  const secretLine =
    secret.source === 'environment'
      ? 'from FIVETRAN_WEBHOOK_SECRET'
      : secret.created
        ? `generated into ${secret.path}: ${secret.current}`
        : `from ${secret.path}`;
  const baseUrl = reachableUrl(server.url);
  return [
    'fivetran-metadata local server',
    `  URL:            ${server.url}`,
    `  Webhook URL:    ${server.webhookUrl}`,
    `  Data dir:       ${server.dataDir}${server.freshDataDir ? ' (new)' : ''}`,
    `  Mode:           ${mode}`,
    `  API:            ${config.apiToken ? 'Authorization: Bearer <API_TOKEN> required on /api/*' : 'open on loopback (set API_TOKEN to require a token)'}`,
    `  Webhook secret: ${secretLine}`,
    '',
    'Try it: deliver a signed sync_end, then read the connection back:',
    curlExample(baseUrl, secret.current, { now, apiToken: config.apiToken !== null }),
    '',
    'Ctrl-C stops the server (requests in flight are finished first).',
  ].join('\n');
}
