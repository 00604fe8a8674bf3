import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { signBody } from '#commons/webhook/signature';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { tempDataDir } from '../local/server-fixture.ts';
import { type ChildServer, startChildServer } from './support/child-server.ts';
import { eventStream } from './support/event-stream.ts';
import { recordFigure } from './support/figures.ts';
import { type SendReport, sendLikeFivetran } from './support/fivetran-sender.ts';

const SECRET = 'crash-test-webhook-secret-0123456789abcdef0123';
const KILL_AFTER_ACKS = 100;

async function getJson(url: string): Promise<Record<string, unknown>> {
  const answer = await fetch(url);
  return (await answer.json()) as Record<string, unknown>;
}

/** Every stored event id, read back through the read API page by page. */
async function storedEventIds(base: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = (await getJson(
      `${base}/api/events?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )) as { items: { id: string }[]; next_cursor: string | null };
    for (const item of page.items) ids.add(item.id);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return ids;
}

function idOf(body: string): string | null {
  const parsed = parseEvent(Buffer.from(body));
  return parsed.ok ? eventIdentity(parsed.event.payload) : null;
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('crash: the local server killed with SIGKILL mid-stream and mid-sweep, then restarted', () => {
  const dir = tempDataDir();
  const stream = eventStream({ deliveries: 260, connections: 8, seed: 'crash', prefix: 'crash' });
  let sim: Simulator;
  let first: ChildServer;
  let second: ChildServer;
  let report: SendReport;
  const ackedBeforeKill = new Set<string>();
  let storedAfterRestart: Set<string>;
  let sweepsAfterRestart: { items: { id: string; outcome: string; error: string | null }[] };
  let sweepRequestAfterRestart: { status: number; id: string };

  beforeAll(async () => {
    // Prepare: the "Fivetran" the server sweeps has 1,100 connections (two listing pages); the second page
    // hangs, so the sweep at start is stuck half-way, with the first page written, when the server dies.
    sim = await startSimulator({ seed: 'crash', groups: 2, connections: 1_100 });
    sim.faults.add({ endpoint: 'GET /v1/connections', kind: 'latency', ms: 20_000, skip: 1, times: 1 });
    const env = {
      PORT: '0',
      DATA_DIR: `${dir.dir}/data`,
      FIVETRAN_WEBHOOK_SECRET: SECRET,
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: sim.credential.apiKey,
      FIVETRAN_API_SECRET: sim.credential.apiSecret,
      SCHEMA_REQUEST_BUDGET: '0',
    };
    first = await startChildServer(dir.dir, env);
    let server = first;
    let restart: () => void = () => {};
    // Deliveries wait until the sweep is half-way (its first page written).
    let up = new Promise<void>((resolve) => {
      restart = resolve;
    });
    let killed = false;

    // Act: Fivetran-style delivery; the server is killed after KILL_AFTER_ACKS acknowledgements, with
    // deliveries in flight, and the sweep hung on its second page.
    const sending = sendLikeFivetran(
      stream.deliveries,
      async (body) => {
        await up;
        const answer = await fetch(`${server.url}/webhooks/fivetran`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'X-Fivetran-Signature-256': signBody(body, SECRET) },
        });
        await answer.arrayBuffer();
        return answer.status;
      },
      {
        concurrency: 8,
        maxAttempts: 1_000,
        onAcknowledged: (_index, body) => {
          if (killed) return;
          ackedBeforeKill.add(body);
          if (ackedBeforeKill.size === KILL_AFTER_ACKS) {
            killed = true;
            up = new Promise((resolve) => {
              restart = resolve;
            });
            first.process.kill('SIGKILL');
          }
        },
      },
    );
    await until(async () => {
      const summary = await getJson(`${first.url}/api/summary`);
      return Number(summary.connections_total ?? 0) >= 1_000;
    }, 'the first listing page to be written');
    restart();
    await until(() => killed, 'the kill');
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');

    second = await startChildServer(dir.dir, env);
    storedAfterRestart = await storedEventIds(second.url);
    sweepsAfterRestart = (await getJson(`${second.url}/api/sweeps`)) as typeof sweepsAfterRestart;
    const request = await fetch(`${second.url}/api/sweeps`, { method: 'POST' });
    sweepRequestAfterRestart = { status: request.status, id: ((await request.json()) as { id: string }).id };
    server = second;
    restart();
    report = await sending;
  }, 120_000);

  afterAll(async () => {
    for (const child of [first, second]) if (child?.process.exitCode === null) child.process.kill('SIGKILL');
    await sim.close();
    dir.remove();
  });

  it('was killed with deliveries in flight', () => {
    // Assess: some attempts got no answer (the connection died under them) and were delivered again.
    recordFigure('crash restart', {
      deliveries: stream.deliveries.length,
      distinctEvents: stream.eventIds.size,
      acknowledgedBeforeKill: ackedBeforeKill.size,
      attempts: report.attempts,
      byStatus: report.byStatus,
      sweepRequestAfterRestart,
    });
    expect(report.byStatus.error).toBeGreaterThan(0);
    expect(report.gaveUp).toEqual([]);
  });

  it('lost no acknowledged event: every 200 before the kill is readable after the restart', () => {
    // Assess
    const acked = [...ackedBeforeKill].map(idOf).filter((id): id is string => id !== null);
    expect(acked.length).toBeGreaterThan(KILL_AFTER_ACKS * 0.9);
    for (const id of acked) expect(storedAfterRestart.has(id)).toBe(true);
  });

  it('ends with every event of the stream stored exactly once after Fivetran’s retries', async () => {
    // Act
    const stored = await storedEventIds(second.url);

    // Assess
    const ours = [...stored].filter((id) => stream.eventIds.has(id));
    expect(new Set(ours)).toEqual(stream.eventIds);
    expect(ours.length).toBe(stream.eventIds.size);
  });

  it('records the killed sweep as failed at the restart, saying why', () => {
    // Assess
    const killedSweep = sweepsAfterRestart.items.at(-1);
    expect(killedSweep?.outcome).toBe('failed');
    expect(killedSweep?.error).toMatch(/stopped before it finished/);
  });

  it('lets the restarted server sweep at once: a new sweep runs or starts, never the dead one blocking', () => {
    // Assess: 202, or 409 because the restarted server's own at-start sweep is running.
    const killedSweep = sweepsAfterRestart.items.at(-1);
    expect([202, 409]).toContain(sweepRequestAfterRestart.status);
    expect(sweepRequestAfterRestart.id).not.toBe(killedSweep?.id);
  });
});
