import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '#commons/config/local-config';
import { signBody } from '#commons/webhook/signature';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<LocalServer> {
  const config = loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env });
  return startLocalServer(config, { log: () => {} });
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}

export function client(server: LocalServer, token?: string) {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    get: async (path: string, headers: Record<string, string> = auth) =>
      answer(await fetch(`${server.url}${path}`, { headers })),
    post: async (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      answer(await fetch(`${server.url}${path}`, { method: 'POST', body, headers })),
    /** A delivery signed like Fivetran does, with the server's current secret. */
    deliver: async (body: string, options: { lowerCaseHex?: boolean; secret?: string } = {}) => {
      const signature = signBody(body, options.secret ?? server.webhookSecret.current);
      return answer(
        await fetch(server.webhookUrl, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'X-Fivetran-Signature-256': options.lowerCaseHex ? signature.toLowerCase() : signature,
          },
        }),
      );
    },
  };
}
