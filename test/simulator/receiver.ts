import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly body: Buffer;
  readonly headers: IncomingHttpHeaders;
  readonly json: Record<string, unknown>;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Decides the status of each delivery (by its position, 0-based); 200 by default. */
  answer: (index: number, delivery: Received) => number;
  close(): Promise<void>;
}

/** A webhook endpoint on 127.0.0.1 that keeps the exact bytes and headers of every delivery. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answer: () => 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const delivery = { body, headers: request.headers, json: JSON.parse(body.toString('utf8')) };
    const index = received.push(delivery) - 1;
    response.writeHead(receiver.answer(index, delivery));
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(receiver, { url: `http://127.0.0.1:${port}/webhooks/fivetran` });
  return receiver;
}
