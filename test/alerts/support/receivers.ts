import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly json: Record<string, unknown>;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Never answer (the client's timeout must end the request). */
  readonly hang?: boolean;
}

export interface ChannelReceiver {
  /** The secret-looking URL the deliverer posts to. */
  readonly url: string;
  readonly received: Captured[];
  /** Decides each answer by its 0-based position; 200 `ok` by default. */
  answer: (index: number, request: Captured) => Answer;
  close(): Promise<void>;
}

/**
 * A channel endpoint on 127.0.0.1 that keeps every payload and answers as the test scripts it. The path looks
 * like a webhook secret so tests can prove it never reaches a log.
 */
export async function startChannelReceiver(secretPath: string): Promise<ChannelReceiver> {
  const received: Captured[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const captured = {
      path: request.url ?? '',
      headers: request.headers,
      json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
    };
    const index = received.push(captured) - 1;
    const answer = receiver.answer(index, captured);
    if (answer.hang) return;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body ?? '');
  });
  const receiver: ChannelReceiver = {
    url: '',
    received,
    answer: () => ({ status: 200, body: 'ok' }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(receiver, { url: `http://127.0.0.1:${port}${secretPath}` });
  return receiver;
}
