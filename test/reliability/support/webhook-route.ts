/**
 * The webhook route exactly as the local server serves it (the HTTP app + receiveWebhook + the core), over
 * any DynamoDB client: the fault tests give it one that fails on purpose.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Hono } from 'hono';
import { createHttpApp, WEBHOOK_PATH } from '#commons/http/app';
import type { TableRef } from '#commons/store/table/table-ref';
import { SIGNATURE_HEADER, signBody } from '#commons/webhook/signature';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import { type Core, openCore } from '../../support/core.ts';

/** "Now" for every write, so runs can be compared item by item. */
export const FIXED_NOW = Date.parse('2026-06-01T12:00:00.000Z');

export interface WebhookRoute extends Core {
  readonly app: Hono;
  readonly table: TableRef;
  /** Steps that failed behind a 503 (never a secret or a body). */
  readonly failures: string[];
  /** One signed delivery through the app; resolves with the status. */
  deliver(body: string): Promise<number>;
  /** The same without a signature (the creation probe, junk). */
  deliverUnsigned(body: string): Promise<number>;
}

export function webhookRoute(
  client: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  now: () => number = () => FIXED_NOW,
): WebhookRoute {
  const table: TableRef = { client, tableName };
  const core = openCore(table, { now });
  const failures: string[] = [];
  const app = createHttpApp({
    repositories: core.repositories,
    now,
    webhook: {
      recorder: core.recorder,
      secrets: staticSecretSource([secret]),
      onError: (error, step) => failures.push(`${step}: ${(error as Error).name}`),
    },
    onError: (error) => failures.push(`router: ${(error as Error).name}`),
  });
  return {
    ...core,
    app,
    table,
    failures,
    async deliver(body) {
      const bytes = Buffer.from(body);
      const answer = await app.request(WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(bytes, secret) },
        body: bytes,
      });
      return answer.status;
    },
    async deliverUnsigned(body) {
      const answer = await app.request(WEBHOOK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(body),
      });
      return answer.status;
    },
  };
}
