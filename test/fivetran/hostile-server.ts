import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that answers as told, for the client's hostile cases. */
export interface HostileServer {
  readonly url: string;
  /** Body bytes written to sockets so far (what a client was made to receive at most). */
  readonly bytesWritten: () => number;
  readonly requests: () => number;
  close(): Promise<void>;
}

export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  count: (bytes: number) => void,
) => void;

export async function startHostileServer(handler: Handler): Promise<HostileServer> {
  let written = 0;
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    handler(request, response, (bytes) => {
      written += bytes;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytesWritten: () => written,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CHUNK = Buffer.alloc(64 * 1024, 'a');

/**
 * Streams `totalBytes` of a JSON-looking body in 64 KiB chunks, honouring backpressure, and stops as soon
 * as the client goes away: nothing is buffered on either side beyond what the socket holds.
 */
export function streamBody(
  response: ServerResponse,
  totalBytes: number,
  count: (bytes: number) => void,
  status = 200,
  declareLength = false,
): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (declareLength) headers['Content-Length'] = String(totalBytes);
  response.writeHead(status, headers);
  let sent = 0;
  let gone = false;
  response.on('close', () => {
    gone = true;
  });
  const prefix = Buffer.from('{"code":"Success","data":{"items":["');
  response.write(prefix);
  sent += prefix.length;
  count(prefix.length);
  const pump = (): void => {
    while (!gone && sent < totalBytes) {
      const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, totalBytes - sent));
      sent += chunk.length;
      count(chunk.length);
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!gone) response.end();
  };
  pump();
}
