/**
 * The webhook route exactly as the local server and the Lambdas serve it (shared router + receiveWebhook +
 * the store), over any DynamoDB client: the fault tests give it one that fails on purpose.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRouter, type Router, WEBHOOK_PATH } from '#commons/api/router';
import { createStore, type Store } from '#commons/store/store';
import type { TableRef } from '#commons/store/table-ref';
import { SIGNATURE_HEADER, signBody } from '#commons/webhook/signature';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';

/** "Now" for every write, so runs can be compared item by item. */
export const FIXED_NOW = Date.parse('2026-06-01T12:00:00.000Z');

export interface WebhookRoute {
  readonly store: Store;
  readonly router: Router;
  readonly table: TableRef;
  /** Steps that failed behind a 503 (never a secret or a body). */
  readonly failures: string[];
  /** One signed delivery through the router; resolves with the status. */
  deliver(body: string): Promise<number>;
}

export function webhookRoute(
  client: DynamoDBDocumentClient,
  tableName: string,
  secret: string,
  now: () => number = () => FIXED_NOW,
): WebhookRoute {
  const table: TableRef = { client, tableName };
  const store = createStore({ ...table, retentionDays: 90, now });
  const failures: string[] = [];
  const router = createRouter({
    store,
    table,
    now,
    webhook: {
      store,
      secrets: staticSecretSource([secret]),
      onError: (error, step) => failures.push(`${step}: ${(error as Error).name}`),
    },
    onError: (error) => failures.push(`router: ${(error as Error).name}`),
  });
  return {
    store,
    router,
    table,
    failures,
    async deliver(body) {
      const bytes = Buffer.from(body);
      const answer = await router({
        method: 'POST',
        path: WEBHOOK_PATH,
        query: {},
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(bytes, secret) },
        body: bytes,
      });
      return answer.status;
    },
  };
}
