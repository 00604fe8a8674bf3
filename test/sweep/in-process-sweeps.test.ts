import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSweeps } from '#commons/read/sweeps';
import { type LocalSweeps, localSweepControl } from '#commons/sweep/in-process-sweeps';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

describe('the local server’s sweeps', () => {
  let fx: SweepFixture;
  let sweeps: LocalSweeps | null = null;
  const lines: string[] = [];

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 37, groups: 2, connections: 10 });
  });
  afterEach(async () => {
    await sweeps?.stop();
    await fx.close();
  });

  const start = (intervalMs: number | null) =>
    localSweepControl({
      repositories: fx.repositories,
      writer: fx.writer,
      fivetran: fx.deps().fivetran,
      schemaRequestBudget: 0,
      intervalMs,
      log: (line: string) => lines.push(line),
    });

  it('sweeps at start, then on request; a request while one runs is answered busy', async () => {
    // Act
    sweeps = start(null);
    await sweeps.idle();
    fx.sim.knobs.latencyMs = 50;
    const requested = await sweeps.control.start();
    const again = await sweeps.control.start();
    await sweeps.idle();
    const records = (await listSweeps(fx.repositories, { limit: 10, cursor: null })).items;

    // Assess
    expect(requested.status).toBe('started');
    expect(again).toEqual({ status: 'busy', id: requested.id });
    expect(records.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(records[0]?.id).toBe(requested.id);
  });

  it('sweeps again every interval, never two at once', async () => {
    // Act
    sweeps = start(40);
    // Wait for a second finished sweep however slow the machine is (bounded), rather than a fixed time.
    const finished = async () =>
      (await listSweeps(fx.repositories, { limit: 100, cursor: null })).items.filter(
        (r) => r.finished_at !== null,
      );
    for (let i = 0; i < 200 && (await finished()).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await sweeps.stop();
    const records = (await listSweeps(fx.repositories, { limit: 100, cursor: null })).items;

    // Assess
    expect(records.length).toBeGreaterThanOrEqual(2);
    const spans = records.map((r) => [Date.parse(r.started_at), Date.parse(r.finished_at ?? '')] as const);
    for (const [i, [startedMs]] of spans.entries()) {
      for (const [j, [otherStart, otherEnd]] of spans.entries()) {
        if (i !== j) expect(startedMs >= otherStart && startedMs < otherEnd).toBe(false);
      }
    }
  });

  it('stops a running sweep at its next step when the server shuts down, and says why', async () => {
    // Prepare: a slow API, so the sweep at start is still listing.
    fx.sim.knobs.latencyMs = 150;
    sweeps = start(null);
    const running = async () =>
      (await listSweeps(fx.repositories, { limit: 1, cursor: null })).items[0]?.outcome === 'running';
    for (let i = 0; i < 200 && !(await running()); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));

    // Act
    await sweeps.stop();
    const [record] = (await listSweeps(fx.repositories, { limit: 1, cursor: null })).items;

    // Assess
    expect(record).toMatchObject({ outcome: 'failed', connections_deleted: 0 });
    expect(record?.error).toMatch(/the local server is shutting down/);
    expect(await fx.repositories.sweepLease.readActive(Date.now())).toBeNull();
    await expect(sweeps.control.start()).rejects.toThrow(/shutting down/);
  });
});
