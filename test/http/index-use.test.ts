import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HEALTH_VALUES } from '#commons/connection/health';
import {
  connection,
  putSweep,
  type ReadFixture,
  saveConnections,
  startReadFixture,
  sweepRecord,
} from '../support/http-fixture.ts';

interface Sent {
  readonly command: string;
  readonly index: string | null;
  readonly partition: unknown;
  readonly scanned: number | null;
}

/** 120 connections (30 per health, 3 groups), 60 raw events and a few sweeps in the same table. */
describe('Reads use the indexes: no scan, and no item of another kind is read', () => {
  let fx: ReadFixture;
  let sent: Sent[] = [];

  beforeAll(async () => {
    fx = await startReadFixture();
    await saveConnections(
      fx.writer,
      Array.from({ length: 120 }, (_, i) =>
        connection(`c${String(i).padStart(3, '0')}`, { health: HEALTH_VALUES[i % 5], group: `g${i % 3}` }),
      ),
    );
    for (let i = 0; i < 60; i++) {
      await fx.deliver({
        event: 'sync_start',
        created: new Date(Date.UTC(2026, 5, 1, 0, i)).toISOString(),
        connector_type: 'postgres',
        connector_id: `c${String(i * 2).padStart(3, '0')}`,
        connector_name: 'x',
        sync_id: `s${i}`,
        destination_group_id: `g${(i * 2) % 3}`,
      });
    }
    for (let i = 0; i < 3; i++)
      await putSweep(
        fx.repositories.sweeps,
        sweepRecord(`s${i}`, new Date(Date.UTC(2026, 5, 1, i)).toISOString()),
      );
    const client = fx.table.client;
    const send = client.send.bind(client) as (command: unknown) => Promise<Record<string, unknown>>;
    // Every command the store and the queries send, with what it read.
    (client as unknown as { send: unknown }).send = async (command: {
      constructor: { name: string };
      input: Record<string, unknown>;
    }) => {
      const output = await send(command);
      const values = (command.input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      sent.push({
        command: command.constructor.name,
        index: (command.input.IndexName as string | undefined) ?? null,
        partition: values[':partition'] ?? values[':pk'] ?? null,
        scanned: typeof output.ScannedCount === 'number' ? output.ScannedCount : null,
      });
      return output;
    };
  });
  beforeEach(() => {
    sent = [];
  });
  afterAll(async () => {
    await fx.close();
  });

  const scanned = () => sent.reduce((sum, s) => sum + (s.scanned ?? 0), 0);

  it('lists failing connections from their own health partition, reading only those', async () => {
    // Act
    const answer = await fx.get('/api/connections?health=failing&limit=1000');

    // Assess
    expect(answer.body.items).toHaveLength(24);
    expect(sent.map((s) => [s.command, s.index, s.partition])).toEqual([
      ['QueryCommand', 'gsi2', 'CONNECTIONS#HEALTH#failing'],
    ]);
    expect(scanned()).toBe(24);
  });

  it('lists a group’s connections from its own partition', async () => {
    // Act
    const answer = await fx.get('/api/connections?group_id=g1&limit=1000');

    // Assess
    expect(answer.body.items).toHaveLength(40);
    expect(sent.map((s) => [s.index, s.partition])).toEqual([['gsi3', 'CONNECTIONS#GROUP#g1']]);
    expect(scanned()).toBe(40);
  });

  it('builds the summary from count queries of the health partitions and single items: no event is read', async () => {
    // Act
    const answer = await fx.get('/api/summary');

    // Assess
    expect(answer.body.by_health).toEqual({ failing: 24, pending: 24, delayed: 24, paused: 24, healthy: 24 });
    expect(sent.some((s) => s.command === 'ScanCommand')).toBe(false);
    const queries = sent.filter((s) => s.command === 'QueryCommand');
    expect(queries.map((s) => s.partition).sort()).toEqual(
      [...HEALTH_VALUES.map((h) => `CONNECTIONS#HEALTH#${h}`).sort(), 'SWEEPS'].sort(),
    );
    expect(scanned()).toBe(120 + 1);
  });

  it('never scans for any route', async () => {
    // Act
    for (const path of [
      '/api/connections',
      '/api/connections/c000',
      '/api/connections/c000/events',
      '/api/events',
      '/api/groups',
      '/api/sweeps',
      '/api/summary',
    ]) {
      expect((await fx.get(path)).status).toBe(200);
    }

    // Assess
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((s) => s.command === 'ScanCommand')).toEqual([]);
  });
});
