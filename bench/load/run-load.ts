/**
 * `npm run bench:load`: sustained signed webhook deliveries to the local server in its own process, then
 * every event read back through the read API. Twice: with a healthy DynamoDB, and with a share of DynamoDB
 * calls failing (the server answers 503 and the sender retries like Fivetran). Prints figures, asserts
 * nothing; "lost" and "duplicated" are counted, not assumed.
 *
 *   LOAD_EVENTS=20000 LOAD_CONCURRENCY=64 LOAD_CONNECTIONS=200 LOAD_FAULT_RATE=0.01 npm run bench:load
 *   LOAD_MODES=clean|faults|clean,faults (default both)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { signBody } from '#commons/webhook/signature';
import { eventStream } from '../../test/reliability/support/event-stream.ts';
import { sendLikeFivetran } from '../../test/reliability/support/fivetran-sender.ts';
import { summarise } from '../stats.ts';

const SECRET = 'load-bench-webhook-secret-0123456789abcdef0123';
const ROOT = resolve(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(resolve(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

const EVENTS = setting('LOAD_EVENTS', 20_000);
const CONCURRENCY = setting('LOAD_CONCURRENCY', 64);
const CONNECTIONS = setting('LOAD_CONNECTIONS', 200);
const FAULT_RATE = setting('LOAD_FAULT_RATE', 0.01);
const MODES = (process.env.LOAD_MODES ?? 'clean,faults').split(',').map((mode) => mode.trim());

interface ServerProcess {
  readonly url: string;
  stats(): Promise<{ rss: number; heapUsed: number; injected: Record<string, number> | null }>;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, faultRate: number): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      TSX_LOADER,
      resolve(import.meta.dirname, 'load-server.ts'),
      dataDir,
      SECRET,
      String(faultRate),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the load server exited');
    return JSON.parse(value as string);
  };
  const { url } = (await nextLine()) as { url: string };
  let queue = Promise.resolve();
  return {
    url,
    stats: () => {
      // One command at a time: answers come back in order on stdout.
      const answer = queue.then(() => {
        child.stdin?.write('stats\n');
        return nextLine();
      });
      queue = answer.then(
        () => {},
        () => {},
      );
      return answer;
    },
    stop: async () => {
      child.stdin?.write('stop\n');
      await new Promise((done) => child.once('exit', done));
    },
  };
}

async function readJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  for (let attempt = 1; ; attempt++) {
    const answer = await fetch(url);
    const body = (await answer.json()) as Record<string, unknown>;
    // Reads hit the same failing table: retry a 503 like any client would.
    if (answer.status !== 503 || attempt >= 50) return { status: answer.status, body };
  }
}

/** Every stored event id (and how many listing entries), read page by page through GET /api/events. */
async function readBack(base: string): Promise<{ ids: Set<string>; entries: number; quarantined: number }> {
  const ids = new Set<string>();
  let entries = 0;
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const { status, body } = await readJson(`${base}/api/events?limit=1000${query}`);
    if (status !== 200) throw new Error(`GET /api/events answered ${status}`);
    const page = body as { items: { id: string }[]; next_cursor: string | null };
    for (const item of page.items) ids.add(item.id);
    entries += page.items.length;
    cursor = page.next_cursor;
  } while (cursor !== null);
  const summary = await readJson(`${base}/api/summary`);
  return { ids, entries, quarantined: Number(summary.body.events_quarantined ?? 0) };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function run(mode: string): Promise<void> {
  const faultRate = mode === 'faults' ? FAULT_RATE : 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-load-'));
  const stream = eventStream({ deliveries: EVENTS, connections: CONNECTIONS, seed: `load-${EVENTS}` });
  const server = await startServer(dataDir, faultRate);
  try {
    const start = await server.stats();
    let peakRss = start.rss;
    const sampler = setInterval(() => {
      server.stats().then(
        (stats) => {
          peakRss = Math.max(peakRss, stats.rss);
        },
        () => {},
      );
    }, 1_000);
    const report = await sendLikeFivetran(
      stream.deliveries,
      async (body) => {
        const answer = await fetch(`${server.url}/webhooks/fivetran`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'X-Fivetran-Signature-256': signBody(body, SECRET) },
        });
        await answer.arrayBuffer();
        return answer.status;
      },
      { concurrency: CONCURRENCY, maxAttempts: 100 },
    );
    clearInterval(sampler);
    const end = await server.stats();
    peakRss = Math.max(peakRss, end.rss);
    const back = await readBack(server.url);

    const stored = [...stream.eventIds].filter((id) => back.ids.has(id)).length;
    const lost = stream.eventIds.size - stored;
    const duplicated = back.entries - back.ids.size;
    const latency = summarise([...report.latenciesMs]);
    const answered503 = report.byStatus['503'] ?? 0;
    console.log(
      `\n-- ${mode === 'faults' ? `${(faultRate * 100).toFixed(1)}% of DynamoDB calls failing` : 'healthy DynamoDB'} --`,
    );
    console.log(
      `${EVENTS} deliveries (${stream.eventIds.size} distinct events, ${stream.unreadable.size} unreadable, ` +
        `${EVENTS - stream.eventIds.size - stream.unreadable.size} duplicates), ${CONNECTIONS} connections, ` +
        `concurrency ${CONCURRENCY}, dynalite on disk, node ${process.version}`,
    );
    console.log(
      `throughput ${(EVENTS / report.seconds).toFixed(0)} deliveries/s acknowledged ` +
        `(${report.seconds.toFixed(1)} s), ${report.attempts} attempts`,
    );
    console.log(
      `latency per attempt p50 ${latency.median.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (n=${latency.n})`,
    );
    console.log(
      `answers ${JSON.stringify(report.byStatus)}; 503 share ${((answered503 / report.attempts) * 100).toFixed(2)}% of attempts` +
        (end.injected ? `; DynamoDB calls ${JSON.stringify(end.injected)}` : ''),
    );
    console.log(
      `read back: ${stored}/${stream.eventIds.size} events stored, lost ${lost}, duplicated ${duplicated}, ` +
        `gave up ${report.gaveUp.length}, quarantined counted ${back.quarantined} (of ${stream.unreadable.size} distinct)`,
    );
    console.log(
      `server RSS start ${mib(start.rss)}, end ${mib(end.rss)}, peak ${mib(peakRss)} (heap end ${mib(end.heapUsed)})`,
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const mode of MODES) {
  if (mode !== 'clean' && mode !== 'faults') throw new Error(`LOAD_MODES: unknown mode "${mode}"`);
  await run(mode);
}
