import { createHttpApp } from '#commons/http/app';
import { type HttpServer, startHttpServer } from '#commons/http/node-server';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { SweepRecord } from '#commons/store/repositories/sweeps';
import type { TableRef } from '#commons/store/table/table-ref';
import { runSweep, type SweepDeps } from '#commons/sweep/run-sweep';
import type { SchemaChangeNotice } from '#commons/tables/schema-change-notifier';
import { signBody } from '#commons/webhook/signature';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../functions/simulator/simulator.ts';
import { type Core, openCore } from '../support/core.ts';
import type { Answer } from '../support/http-fixture.ts';

export const SECRET = 'lineage-fixture-secret';

export interface LineageAppFixture extends Core {
  readonly sim: Simulator;
  readonly dynamo: LocalDynamo;
  readonly server: HttpServer;
  readonly url: string;
  /** Every schema change the sweeps told their notifier. */
  readonly notices: SchemaChangeNotice[];
  sweep(overrides?: Partial<SweepDeps>): Promise<SweepRecord>;
  get(path: string): Promise<Answer>;
  /** A webhook delivery signed with SECRET, as Fivetran would POST it (the exact body given). */
  deliver(body: string): Promise<Answer>;
  /** Registers our webhook at the simulator, so its syncs deliver to this server. */
  registerWebhook(): void;
  close(): Promise<void>;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/**
 * The product over HTTP as a shell wires it: dynalite, the core with its observers (OpenLineage on when
 * asked), the one HTTP app with the webhook, sweeps of the simulator into the same table.
 */
export async function startLineageAppFixture(
  options: { readonly openLineage?: boolean; readonly sim?: SimulatorOptions } = {},
): Promise<LineageAppFixture> {
  const [sim, dynamo] = await Promise.all([
    startSimulator({ seed: 19, groups: 3, connections: 18, ...options.sim }),
    startLocalDynamo(),
  ]);
  const table: TableRef = { client: dynamo.documentClient, tableName: dynamo.tableName };
  const core = openCore(table, { openLineage: options.openLineage ? { namespace: null } : null });
  const app = createHttpApp({
    repositories: core.repositories,
    webhook: { recorder: core.recorder, secrets: staticSecretSource([SECRET]) },
    mode: 'live',
    countsMaxAgeMs: 0,
  });
  const server = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
  const notices: SchemaChangeNotice[] = [];
  return {
    sim,
    dynamo,
    server,
    url: server.url,
    ...core,
    notices,
    async sweep(overrides = {}) {
      const result = await runSweep({
        repositories: core.repositories,
        writer: core.writer,
        fivetran: {
          baseUrl: sim.url,
          credential: sim.credential,
          credentialName: 'the simulator',
          random: () => 0.5,
          sleep: async () => {},
        },
        schemaRequestBudget: 200,
        remainingMs: () => 600_000,
        lineageNaming: options.openLineage ?? false,
        schemaChangeNotifier: { onSchemaChange: (notice) => void notices.push(notice) },
        ...overrides,
      });
      if (result.status !== 'finished') throw new Error(`lease busy (held by ${result.id})`);
      return result.record;
    },
    get: async (path) => answer(await fetch(`${server.url}${path}`)),
    deliver: async (body) =>
      answer(
        await fetch(`${server.url}/webhooks/fivetran`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'X-Fivetran-Signature-256': signBody(body, SECRET) },
        }),
      ),
    registerWebhook() {
      const id = sim.newId();
      sim.account.webhooks.set(id, {
        id,
        type: 'account',
        group_id: null,
        url: `${server.url}/webhooks/fivetran`,
        events: ['sync_start', 'sync_end'],
        active: true,
        secret: SECRET,
        created_at: new Date().toISOString(),
        created_by: sim.account.ownerId,
      });
    },
    async close() {
      await server.close();
      await Promise.all([sim.close(), dynamo.close()]);
    },
  };
}
