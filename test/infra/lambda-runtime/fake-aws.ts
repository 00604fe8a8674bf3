/**
 * Local stand-ins for the AWS services the Lambda bundles call, reached through the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` variables: dynalite for DynamoDB, and small node:http servers speaking the
 * Secrets Manager (JSON 1.1), EventBridge (JSON 1.1) and Lambda (REST) protocols for the few operations the
 * functions use. Every request is recorded as the IAM action it needs, so a test can hold what a bundle
 * really sent against what its role allows.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createTableInput } from '#commons/store/table/table-definition';
import { actionOfRequest } from '../sdk-calls.ts';

export interface AwsCall {
  readonly service: 'dynamodb' | 'secretsmanager' | 'events' | 'lambda';
  /** The IAM action the request needs, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  readonly body: unknown;
}

export interface FakeAws {
  readonly endpoints: {
    readonly dynamodb: string;
    readonly secretsManager: string;
    readonly eventBridge: string;
    readonly lambda: string;
    /** Accepts connections and never answers: a stalled dependency. */
    readonly stalled: string;
  };
  readonly tableName: string;
  readonly calls: AwsCall[];
  /** Secret id (name or ARN) → value, changeable between invocations. */
  readonly secrets: Map<string, string>;
  readonly dynamo: DynamoDBClient;
  close(): Promise<void>;
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : JSON.parse(text);
}

function answer(response: ServerResponse, status: number, body: unknown, headers = JSON_11): void {
  response.writeHead(status, headers).end(body === undefined ? '' : JSON.stringify(body));
}

type Handler = (action: string | null, body: unknown, response: ServerResponse) => void;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startFake(service: AwsCall['service'], calls: AwsCall[], handle: Handler): Promise<Server> {
  const server = createServer((request, response) => {
    readJson(request).then(
      (body) => {
        const action = actionOfRequest(
          request.headers['x-amz-target'] as string,
          request.method ?? '',
          request.url ?? '',
        );
        if (action) calls.push({ service, action, body });
        handle(action, body, response);
      },
      () => answer(response, 400, { __type: 'SerializationException', message: 'not JSON' }),
    );
  });
  await listen(server);
  return server;
}

export async function startFakeAws(tableName = 'fivetran-metadata-e2e'): Promise<FakeAws> {
  const calls: AwsCall[] = [];
  const secrets = new Map<string, string>();
  const servers: Server[] = [];

  const db = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  db.on('request', (request: IncomingMessage) => {
    const action = actionOfRequest(
      request.headers['x-amz-target'] as string,
      request.method ?? '',
      request.url ?? '',
    );
    if (action) calls.push({ service: 'dynamodb', action, body: null });
  });
  const dynamodb = await listen(db);
  servers.push(db);

  const secretsServer = await startFake('secretsmanager', calls, (action, body, response) => {
    const id = (body as { SecretId?: string } | null)?.SecretId ?? '';
    const value = secrets.get(id);
    if (action !== 'secretsmanager:GetSecretValue')
      return answer(response, 400, { __type: 'UnknownOperationException' });
    if (value === undefined) {
      return answer(response, 400, {
        __type: 'ResourceNotFoundException',
        message: 'Secrets Manager can’t find the specified secret.',
      });
    }
    answer(response, 200, {
      ARN: id,
      Name: id.split(':').pop(),
      VersionId: 'v1',
      VersionStages: ['AWSCURRENT'],
      SecretString: value,
      CreatedDate: 1_700_000_000,
    });
  });
  const eventsServer = await startFake('events', calls, (action, body, response) => {
    if (action !== 'events:PutEvents') return answer(response, 400, { __type: 'UnknownOperationException' });
    const entries = (body as { Entries?: unknown[] } | null)?.Entries ?? [];
    answer(response, 200, { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
  });
  const lambdaServer = await startFake('lambda', calls, (action, _body, response) => {
    if (action !== 'lambda:InvokeFunction') {
      return answer(response, 404, { message: 'no such route' }, { 'content-type': 'application/json' });
    }
    // An asynchronous (Event) invocation is accepted with 202 and no payload.
    answer(response, 202, undefined, { 'content-type': 'application/json' });
  });
  servers.push(secretsServer, eventsServer, lambdaServer);

  const sockets = new Set<Socket>();
  const stalledServer = createServer(() => {
    // Never answers.
  });
  stalledServer.on('connection', (socket) => sockets.add(socket));
  const stalled = await listen(stalledServer);
  servers.push(stalledServer);

  const dynamo = new DynamoDBClient({
    endpoint: dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await dynamo.send(new CreateTableCommand(createTableInput(tableName)));
  for (let i = 0; i < 100; i++) {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  calls.length = 0;

  return {
    endpoints: {
      dynamodb,
      secretsManager: urlOf(secretsServer),
      eventBridge: urlOf(eventsServer),
      lambda: urlOf(lambdaServer),
      stalled,
    },
    tableName,
    calls,
    secrets,
    dynamo,
    async close() {
      dynamo.destroy();
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections?.();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
