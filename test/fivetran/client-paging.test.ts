import { afterEach, describe, expect, it } from 'vitest';
import { collectItems, PAGE_LIMIT } from '#commons/fivetran/client';
import { RepeatedCursorError } from '#commons/fivetran/errors';
import type { Simulator } from '../../functions/simulator/simulator.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.sim.close();
  harness = undefined;
});

function listingRequests(sim: Simulator): URL[] {
  return sim.requestLog
    .filter((r) => r.endpoint === 'GET /v1/connections')
    .map((r) => new URL(r.url, 'http://simulator'));
}

describe('FivetranClient: cursor paging', () => {
  it('lists 2,500 connections in three pages of at most 1000, following each cursor once', async () => {
    // Prepare
    harness = await startHarness({ groups: 4, connections: 2_500 });
    const { sim, client } = harness;

    // Act
    const pages = [];
    for await (const page of client.connectionPages()) pages.push(page);

    // Assess
    expect(pages.map((p) => p.items.length)).toEqual([1000, 1000, 500]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    const ids = pages.flatMap((p) => p.items.map((c) => c.id));
    expect(new Set(ids).size).toBe(2_500);
    expect(new Set(ids)).toEqual(new Set(sim.account.connections.keys()));
    const requests = listingRequests(sim);
    expect(requests).toHaveLength(3);
    expect(requests.map((u) => u.searchParams.get('limit'))).toEqual(['1000', '1000', '1000']);
    expect(requests[0]?.searchParams.has('cursor')).toBe(false);
    expect(requests[1]?.searchParams.get('cursor')).toBe(pages[0]?.nextCursor);
    expect(requests[2]?.searchParams.get('cursor')).toBe(pages[1]?.nextCursor);
    expect(PAGE_LIMIT).toBe(1000);
  });

  it.each(['absent', 'null', 'empty'] as const)(
    'stops when the last page has its next_cursor %s',
    async (form) => {
      // Prepare
      harness = await startHarness({ connections: 1_500, endOfList: form });
      const { sim, client } = harness;
      const raw = await fetch(`${sim.url}/v1/connections?limit=1000&cursor=${await secondCursor(harness)}`, {
        headers: { Authorization: `Basic ${Buffer.from('demo-key:demo-secret').toString('base64')}` },
      }).then((r) => r.json() as Promise<{ data: Record<string, unknown> }>);
      sim.requestLog.length = 0;

      // Act
      const items = await collectItems(client.connectionPages());

      // Assess: the simulator really ended the listing in that form, and the client made exactly two requests.
      const expected = { absent: undefined, null: null, empty: '' }[form];
      expect('next_cursor' in raw.data).toBe(form !== 'absent');
      expect(raw.data.next_cursor).toBe(expected);
      expect(items).toHaveLength(1_500);
      expect(listingRequests(sim)).toHaveLength(2);
    },
  );

  it('fails on a repeated cursor instead of looping', async () => {
    // Prepare
    harness = await startHarness({ connections: 2_500 });
    const { sim, client } = harness;
    sim.faults.add({ endpoint: 'GET /v1/connections', kind: 'repeat_cursor', times: 1 });

    // Act
    const outcome = collectItems(client.connectionPages());

    // Assess: page 2 handed back page 1's cursor; the client stopped right there.
    await expect(outcome).rejects.toBeInstanceOf(RepeatedCursorError);
    expect(listingRequests(sim)).toHaveLength(2);
  });

  it('filters by group and streams page by page', async () => {
    // Prepare
    harness = await startHarness({ groups: 3, connections: 30 });
    const { sim, client } = harness;
    const groupId = [...sim.account.groups.keys()][1] as string;
    const expected = [...sim.account.connections.values()]
      .filter((c) => c.group_id === groupId)
      .map((c) => c.id);

    // Act
    const items = await collectItems(client.connectionPages({ groupId }));

    // Assess
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((c) => c.id).sort()).toEqual(expected.sort());
    expect(listingRequests(sim)[0]?.searchParams.get('group_id')).toBe(groupId);
  });

  it('pages groups, destinations and webhooks the same way', async () => {
    // Prepare
    harness = await startHarness({ groups: 5, connections: 0 });
    const { sim, client } = harness;

    // Act
    const groups = await collectItems(client.groupPages());
    const destinations = await collectItems(client.destinationPages());
    const webhooks = await collectItems(client.webhookPages());

    // Assess
    expect(groups.map((g) => g.id).sort()).toEqual([...sim.account.groups.keys()].sort());
    expect(destinations.map((d) => d.group_id).sort()).toEqual([...sim.account.groups.keys()].sort());
    expect(webhooks).toEqual([]);
  });
});

/** The cursor of the last page of a 1,500-item listing (page 2 at limit 1000). */
async function secondCursor(h: Harness): Promise<string> {
  const first = await h.client.connectionPages().next();
  if (first.done || !first.value.nextCursor) throw new Error('expected a second page');
  return first.value.nextCursor;
}
