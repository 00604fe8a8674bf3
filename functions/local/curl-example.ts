import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER, signBody } from '#commons/webhook/signature';

export const EXAMPLE_CONNECTION_ID = 'curl_example';

/** The canonical header spelling, as Fivetran sends it. */
const HEADER = SIGNATURE_HEADER.replace(
  /(^|-)([a-z])/g,
  (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
);

/**
 * A ready-to-paste `curl` that delivers a really signed `sync_end` (signed with the current secret over the
 * exact body it sends), then reads the connection back. Single quotes keep the body byte for byte.
 */
export function curlExample(
  baseUrl: string,
  secret: string,
  options: { now: Date; apiToken: boolean },
): string {
  const body = JSON.stringify({
    event: 'sync_end',
    created: options.now.toISOString(),
    connector_type: 'postgres',
    connector_id: EXAMPLE_CONNECTION_ID,
    connector_name: 'curl_example_schema',
    sync_id: randomUUID(),
    destination_group_id: 'curl_example_group',
    data: { status: 'SUCCESSFUL' },
  });
  const auth = options.apiToken ? ` -H "Authorization: Bearer $API_TOKEN"` : '';
  return [
    `curl -sS -X POST '${baseUrl}/webhooks/fivetran' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H '${HEADER}: ${signBody(body, secret)}' \\`,
    `  --data-binary '${body}'`,
    `curl -sS${auth} '${baseUrl}/api/connections/${EXAMPLE_CONNECTION_ID}'`,
  ].join('\n');
}
