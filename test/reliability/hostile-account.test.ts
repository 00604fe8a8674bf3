import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionWriter } from '#commons/ingest/connection-writer';
import { MAX_LABEL_LENGTH } from '#commons/lib/text';
import { ItemTooLargeError } from '#commons/store/table/item-size';
import { connectionKey } from '#commons/store/table/keys';
import { type SweepFixture, startSweepFixture } from '../sweep/sweep-fixture.ts';

type Json = Record<string, unknown>;

/** `depth` levels of objects, built without recursion. */
function nested(depth: number): Json {
  let value: Json = { api_key: 'sk_live_in_details' };
  for (let i = 1; i < depth; i++) value = { inner: value };
  return value;
}

/** Changes what a listing page says about some connections; everything else passes through untouched. */
type Rewrite = (item: Json) => Json;

/** A proxy in front of the simulator that rewrites listed connections, as a hostile account would read. */
async function hostileProxy(target: string, rewrites: Map<string, Rewrite>) {
  const server = createServer(async (request, response) => {
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method ?? 'GET',
      headers: { authorization: String(request.headers.authorization ?? '') },
    });
    const headers: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-encoding') headers[name] = value;
    });
    let text = await upstream.text();
    const listing = /^\/v1\/(connections|groups)(\?|$)/.test(request.url ?? '');
    if (listing && upstream.ok) {
      const body = JSON.parse(text) as { data: { items: Json[] } };
      body.data.items = body.data.items.map((item) => rewrites.get(String(item.id))?.(item) ?? item);
      text = JSON.stringify(body);
    }
    response.writeHead(upstream.status, headers);
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const withStatus = (item: Json, status: Json): Json => ({
  ...item,
  status: { ...(item.status as Json), ...status },
});

describe('a sweep over an account holding oversized, deep and control-character records', () => {
  let fx: SweepFixture;
  let proxy: Awaited<ReturnType<typeof hostileProxy>>;
  let ids: string[];

  beforeEach(async () => {
    fx = await startSweepFixture({ connections: 12 });
    ids = [...fx.sim.account.connections.keys()];
    const [manyTasks, hugeSchema, deepDetails, controlName] = ids;
    const [group] = [...fx.sim.account.groups.keys()];
    proxy = await hostileProxy(
      fx.sim.url,
      new Map<string, Rewrite>([
        [group as string, (item) => ({ ...item, name: 'n'.repeat(450_000) })],
        [
          manyTasks as string,
          (item) =>
            withStatus(item, {
              tasks: Array.from({ length: 600 }, (_, i) => ({
                code: `task_${i}`,
                message: 'x'.repeat(1024),
                details: { token: 'xoxb-secret' },
              })),
            }),
        ],
        [hugeSchema as string, (item) => ({ ...item, schema: 's'.repeat(450_000) })],
        [
          deepDetails as string,
          (item) => withStatus(item, { warnings: [{ code: 'deep', message: 'deep', details: nested(40) }] }),
        ],
        [
          controlName as string,
          (item) => ({ ...item, schema: 'pg\u001b]52;c;aGk=\u0007\u001b[2K\u202egnp' }),
        ],
      ]),
    );
  });

  afterEach(async () => {
    await proxy.close();
    await fx.close();
  });

  it('completes its listing, bounds the hostile records and keeps the ordinary ones beside them', async () => {
    // Act
    const record = await fx.sweep({
      fivetran: { ...fx.deps().fivetran, baseUrl: proxy.url },
      schemaRequestBudget: 0,
    });

    // Assess
    expect(record).toMatchObject({ outcome: 'succeeded', connections_seen: 12, connections_written: 12 });
    const raw = async (id: string) =>
      (await fx.table.client.send(new GetCommand({ TableName: fx.table.tableName, Key: connectionKey(id) })))
        .Item as Json;
    const [manyTasks, hugeSchema, deepDetails, controlName, ...ordinary] = ids as [string, ...string[]];
    const tasksItem = await raw(manyTasks);
    expect((tasksItem.status as Json).tasks).toHaveLength(50);
    expect((tasksItem.status as Json).tasks_total).toBe(600);
    expect(JSON.stringify(tasksItem)).not.toContain('xoxb');
    expect(String((await raw(hugeSchema as string)).schema)).toHaveLength(MAX_LABEL_LENGTH);
    const deepItem = await raw(deepDetails as string);
    expect((deepItem.status as Json).warnings).toEqual([{ code: 'deep', message: 'deep' }]);
    expect(JSON.stringify(deepItem)).not.toContain('sk_live');
    expect((await raw(controlName as string)).schema).toContain('\u202e');
    const groups = await fx.repositories.groups.readAll();
    expect([...groups.values()].some((g) => g.name?.length === MAX_LABEL_LENGTH)).toBe(true);
    for (const id of ordinary) {
      expect((await raw(id)).schema).toBe(fx.sim.account.connections.get(id)?.schema);
    }
  });

  it('records a connection the store refuses on the sweep (id and reason) and goes on, deletions included', async () => {
    // Prepare: the store refuses one connection's item for its content; one other is gone at Fivetran.
    const refused = ids[5] as string;
    const gone = ids[6] as string;
    await fx.sweep({ schemaRequestBudget: 0 });
    fx.sim.updateConnection(refused, { sync_frequency: 5 });
    fx.sim.removeConnection(gone);
    const writer: ConnectionWriter = {
      save: (id, plan, known) =>
        id === refused
          ? Promise.reject(new ItemTooLargeError(`item connection#${id}: the item would be about 512 KB`))
          : fx.writer.save(id, plan, known),
    };

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0, writer });

    // Assess
    expect(record.outcome).toBe('succeeded');
    expect(record.connections_skipped).toEqual([
      { id: refused, reason: expect.stringMatching(/512 KB/) as unknown as string },
    ]);
    expect(record.connections_skipped_total).toBe(1);
    expect(record.connections_deleted).toBe(1);
    expect((await fx.repositories.connections.get(gone))?.deleted_at).not.toBeNull();
  });
});
