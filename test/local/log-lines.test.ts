import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { SIGNATURE_HEADER, signBody } from '#commons/webhook/signature';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { tempDataDir } from './server-fixture.ts';

const SECRET = 'log-lines-webhook-secret-0123456789abcdef';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('the local server log over ids and names that carry control sequences', () => {
  const data = tempDataDir();
  const lines: string[] = [];
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer(
      loadLocalConfig({ PORT: '0', DATA_DIR: data.dir, FIVETRAN_WEBHOOK_SECRET: SECRET }),
      { log: (line) => lines.push(line) },
    );
  });
  afterAll(async () => {
    await server.close();
    data.remove();
  });

  it('writes every line with them escaped (the health line names the connection)', async () => {
    // Prepare: a failing sync of a connection whose id writes the clipboard, erases the line and reorders text.
    const id = 'conn\u001b]52;c;aGk=\u0007\u001b[2K\u202e\nforged';
    const deliver = (status: string, created: string) => {
      const body = JSON.stringify({
        event: 'sync_end',
        created,
        connector_id: id,
        connector_type: 'postgres',
        sync_id: `s-${status}`,
        data: { status, reason: 'reset' },
      });
      return fetch(server.webhookUrl, {
        method: 'POST',
        body,
        headers: { [SIGNATURE_HEADER]: signBody(body, SECRET) },
      });
    };

    // Act: healthy first, then failing (a real change of health is logged).
    const first = await deliver('SUCCESSFUL', '2026-06-01T11:00:00.000Z');
    const second = await deliver('FAILURE', '2026-06-01T12:00:00.000Z');

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    const health = lines.filter((line) => line.startsWith('health: '));
    expect(health).toHaveLength(1);
    expect(health[0]).toContain('conn\\u001b]52;c;aGk=\\u0007\\u001b[2K\\u202e\\u000aforged');
    for (const line of lines) expect(line).not.toMatch(ACTIVE);
  });
});
