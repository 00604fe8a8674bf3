import { afterEach, describe, expect, it } from 'vitest';
import { type SweepFixture, startSweepFixture } from '../sweep/sweep-fixture.ts';

let fx: SweepFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('a sweep over an account answering in real Fivetran’s odd shapes', () => {
  it('completes its listing and keeps every connection, the older one without status included', async () => {
    // Prepare: mixed setup_status case, tasks without code, required-only items, one item without status
    // or paused, the generic schema 404.
    fx = await startSweepFixture({ seed: 31, groups: 3, connections: 60, quirks: true });
    const legacy = [...fx.sim.account.connections.values()].find((c) => c.sim.shape === 'legacy');

    // Act
    const record = await fx.sweep();
    const stored = await fx.repositories.connections.readAll();

    // Assess
    expect(record.outcome).toBe('succeeded');
    expect(record.connections_seen).toBe(60);
    expect(new Set(stored.keys())).toEqual(new Set(fx.sim.account.connections.keys()));
    expect(legacy).toBeDefined();
    expect(stored.get(legacy?.id as string)?.value?.succeeded_at).toBe(legacy?.succeeded_at);
  });
});
