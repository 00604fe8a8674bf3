/**
 * The server under load, in its own process (the load generator gets the other core):
 *
 *   load-server.ts <data-dir> <webhook-secret> [dynamo-fault-rate]
 *
 * Rate 0 (default): the real local server (`startLocalServer`, sweeps off), dynalite on disk. Rate > 0: the
 * same app, core and dynalite on disk behind `startHttpServer`, with a DynamoDB client that fails that
 * share of calls (fail / throttle / timeout / lost response, seen by the store: no SDK retry hides them),
 * because the local server builds its own client and cannot be handed a faulty one.
 *
 * Prints one JSON line `{"url": …}` when ready; then reads commands on stdin: `stats` prints
 * `{"rss": …, "heapUsed": …}`, `stop` closes everything and exits.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadLocalConfig } from '#commons/config/local-config';
import { createHttpApp } from '#commons/http/app';
import { startHttpServer } from '#commons/http/node-server';
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import { startLocalServer } from '../../functions/local/local-server.ts';
import { ALL_FAULTS, faultyDynamo } from '../../test/reliability/support/faulty-dynamo.ts';
import { openCore } from '../../test/support/core.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [dataDir, secret, rateText] = process.argv.slice(2);
if (!dataDir || !secret) {
  console.error('usage: load-server.ts <data-dir> <webhook-secret> [dynamo-fault-rate]');
  process.exit(2);
}
const faultRate = Number(rateText ?? 0);

async function start(): Promise<{ url: string; close: () => Promise<void>; injected: () => unknown }> {
  if (faultRate === 0) {
    const config = loadLocalConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir as string,
      FIVETRAN_WEBHOOK_SECRET: secret as string,
    });
    const server = await startLocalServer(config, { log: () => {}, notifier: { onHealthChange: () => {} } });
    return { url: server.url, close: () => server.close(), injected: () => null };
  }
  const dynamo = await startLocalDynamo({ path: join(dataDir as string, 'dynamodb') });
  await waitForActiveTable(dynamo.client, dynamo.tableName);
  const faulty = faultyDynamo(dynamo.endpoint, { rate: faultRate, kinds: ALL_FAULTS, seed: 'load' });
  const table = { client: faulty.documentClient, tableName: dynamo.tableName };
  const core = openCore(table);
  const app = createHttpApp({
    repositories: core.repositories,
    healthz: true,
    webhook: { recorder: core.recorder, secrets: staticSecretSource([secret as string]) },
  });
  const http = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
  return {
    url: http.url,
    injected: () => ({ calls: faulty.stats.calls, ...faulty.stats.injected }),
    close: async () => {
      await http.close();
      faulty.destroy();
      await dynamo.close();
    },
  };
}

const server = await start();
console.log(JSON.stringify({ url: server.url }));
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stats') {
    const { rss, heapUsed } = process.memoryUsage();
    console.log(JSON.stringify({ rss, heapUsed, injected: server.injected() }));
  } else if (line === 'stop') {
    await server.close();
    process.exit(0);
  }
}
