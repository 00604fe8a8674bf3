import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openLineageErrors } from './openlineage-validator.ts';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly event: Record<string, unknown> & { eventType?: string; run?: { runId?: string } };
  /** What the spec check found wrong with this event (empty when valid). */
  readonly errors: readonly string[];
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A local OpenLineage receiver (the shape of Marquez's endpoint) that checks every event it is sent. */
export async function startReceiver(
  answer: (received: Received, index: number) => Answer = () => ({ status: 201 }),
) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const entry = { path: req.url ?? '', headers: req.headers, event, errors: openLineageErrors(event) };
      received.push(entry);
      const reply = answer(entry, received.length - 1);
      if (reply === 'hang') return; // never answers: the deliverer's timeout has to end it
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
