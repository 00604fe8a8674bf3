import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { parseOpenLineageConfig } from '#commons/lineage/openlineage-config';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { startReceiver } from '../lineage/lineage-receiver.ts';
import { client, tempDataDir } from './server-fixture.ts';

describe('the local server delivers OpenLineage events itself', () => {
  let server: LocalServer | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let remove: (() => void) | undefined;
  afterEach(async () => {
    await server?.close();
    await receiver?.close();
    remove?.();
    server = undefined;
  });

  async function start(lineage: boolean) {
    receiver = await startReceiver();
    const data = tempDataDir();
    remove = data.remove;
    const config = loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: data.dir });
    server = await startLocalServer(config, {
      log: () => {},
      lineage: lineage ? parseOpenLineageConfig({ OPENLINEAGE_URL: receiver.url }) : null,
      lineageDeliveryIntervalMs: 50,
    });
    return server;
  }

  const sync = (event: string, created: string, data: Record<string, unknown> = {}) =>
    JSON.stringify({
      event,
      created,
      connector_type: 'postgres',
      connector_id: 'halting_precinct',
      connector_name: 'shop_pg',
      sync_id: 'sync-1',
      destination_group_id: 'group_a',
      ...(event === 'sync_end' ? { data } : {}),
    });

  it('sends a sync’s START and COMPLETE on its timer, and stops the timer on close', async () => {
    // Prepare
    const running = await start(true);
    const http = client(running);

    // Act
    await http.deliver(sync('sync_start', '2026-06-01T10:00:00.000Z'));
    await http.deliver(sync('sync_end', '2026-06-01T10:05:00.000Z', { status: 'SUCCESSFUL' }));
    await vi.waitFor(() => expect(receiver?.received).toHaveLength(2), { timeout: 10_000 });
    await running.close();
    const afterClose = await running.lineage?.runNow();

    // Assess
    expect(receiver?.received.map((r) => r.event.eventType)).toEqual(['START', 'COMPLETE']);
    expect(receiver?.received.every((r) => r.errors.length === 0)).toBe(true);
    expect(afterClose).toBeNull();
  });

  it('has no deliverer and enqueues nothing without OPENLINEAGE_URL', async () => {
    // Prepare
    const running = await start(false);

    // Act
    await client(running).deliver(sync('sync_start', '2026-06-01T10:00:00.000Z'));
    const due = await running.repositories.lineageOutbox.claimDue(Date.now() + 60_000, 10, 1_000);

    // Assess
    expect(running.lineage).toBeNull();
    expect(due).toEqual([]);
  });
});
