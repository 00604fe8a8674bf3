import type { LocalConfig } from '#commons/config/local-config';
import { curlExample } from './curl-example.ts';
import type { LocalServer } from './local-server.ts';

/** The address a shell on this machine reaches the server at (a wildcard bind answers on loopback). */
function reachableUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

function every(minutes: number): string {
  return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
}

/** What this server is looking at, said plainly: a simulated account must never pass for a real one. */
function modeLines(config: LocalConfig, server: LocalServer): string[] {
  const schedule = `swept at start and ${every(config.sweepIntervalMinutes)} (SWEEP_INTERVAL_MINUTES)`;
  if (server.demo) {
    const { account } = server.demo.sim;
    return [
      `DEMO: a simulated Fivetran account with simulated data (no FIVETRAN_API_KEY/FIVETRAN_API_SECRET set).`,
      `                  The built-in simulator (${server.demo.apiUrl}) plays "${account.accountName}": ` +
        `${account.groups.size} groups, ${account.connections.size} connections, syncs succeeding and failing every few seconds;`,
      `                  ${schedule}; its signed webhooks arrive at the Webhook URL above.`,
      '                  To use your real account: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET (environment or .env) and restart.',
    ];
  }
  if (config.fivetranCredential) {
    const sweeping = server.sweeps ? `, ${schedule}` : ' (sweeps off)';
    return [
      `your Fivetran account at ${config.fivetranApiUrl}${sweeping}.`,
      '                  Fivetran delivers webhooks only to a public HTTPS URL, so on this machine you get the sweep only;',
      '                  deploy the stack (cdk deploy) for webhooks within seconds.',
    ];
  }
  return ['demo (no FIVETRAN_API_KEY/FIVETRAN_API_SECRET), sweeps off: this server only takes webhooks.'];
}

/** The start-up banner: where it listens, where its data lives, which mode, and a signed example. */
export function banner(config: LocalConfig, server: LocalServer, now: Date): string {
  const [mode, ...moreMode] = modeLines(config, server);
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
    `  Dashboard:      ${baseUrl}/`,
    `  Webhook URL:    ${server.webhookUrl}`,
    `  Data dir:       ${server.dataDir}${server.freshDataDir ? ' (new)' : ''}`,
    `  Mode:           ${mode}`,
    ...moreMode,
    `  API:            ${config.apiToken ? 'Authorization: Bearer <API_TOKEN> required on /api/*' : 'open on loopback (set API_TOKEN to require a token)'}`,
    `  Webhook secret: ${secretLine}`,
    '',
    'Try it: deliver a signed sync_end, then read the connection back:',
    curlExample(baseUrl, secret.current, { now, apiToken: config.apiToken !== null }),
    '',
    'Ctrl-C stops the server (requests in flight are finished first).',
  ].join('\n');
}
