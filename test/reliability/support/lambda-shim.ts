/**
 * API Gateway in front of the webhook Lambda, as far as Fivetran can tell: an HTTP server on 127.0.0.1
 * that turns each request into the REST proxy event the deployed API sends (body base64-encoded, as the
 * stack's `binaryMediaTypes: ['*\/*']` makes it) and answers with what the handler returns.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lambdaContext, restEvent } from '../../support/lambda-fixture.ts';

export type ProxyHandler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; body: string; headers?: Record<string, unknown> }>;

export interface LambdaShim {
  readonly url: string;
  /** Invocations that threw (a crash the gateway would turn into a 502). */
  readonly crashes: unknown[];
  close(): Promise<void>;
}

export async function startLambdaShim(handler: () => ProxyHandler): Promise<LambdaShim> {
  const crashes: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      );
      handler()(restEvent(Buffer.concat(chunks), headers, { base64: true }), lambdaContext()).then(
        (result) => {
          res.writeHead(result.statusCode, { 'content-type': 'application/json' });
          res.end(result.body);
        },
        (error: unknown) => {
          crashes.push(error);
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end('{"message":"Internal server error"}');
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/fivetran`,
    crashes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
