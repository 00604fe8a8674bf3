import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'fivetran-metadata-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fivetran-metadata-test',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/fivetran-metadata-test',
    logStreamName: '2026/06/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** An API Gateway REST proxy event (payload 1.0) as it reaches the function. */
export function restEvent(
  body: string | Buffer,
  headers: Record<string, string>,
  options: { base64?: boolean; method?: string; path?: string; query?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const text = options.base64 ? Buffer.from(body).toString('base64') : body.toString();
  return {
    resource: options.path ?? '/webhooks/fivetran',
    path: options.path ?? '/webhooks/fivetran',
    httpMethod: options.method ?? 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
    body: text,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** An HTTP API event (payload 2.0): header names lower-cased by API Gateway. */
export function httpApiEvent(body: string, headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/fivetran',
    rawPath: '/webhooks/fivetran',
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value])),
    requestContext: { http: { method: 'POST' } } as APIGatewayProxyEventV2['requestContext'],
    body,
    isBase64Encoded: false,
  };
}

/** The SDK's own `send`, taken before any test mocks the class. */
const realSend = DynamoDBDocumentClient.prototype.send as (
  this: DynamoDBDocumentClient,
  command: unknown,
) => Promise<unknown>;

/**
 * Mocks DynamoDBDocumentClient (every instance, as the handler creates its own) and forwards each command
 * to a real dynalite-backed client, so tests can fail chosen calls and still see real conditional writes.
 * `intercept` may throw to fail a call, or return nothing to let it through.
 */
export function forwardDocumentClient(
  real: DynamoDBDocumentClient,
  intercept: (command: 'Get' | 'Put' | 'Update' | 'Query', input: Record<string, unknown>) => void = () => {},
) {
  const mock = mockClient(DynamoDBDocumentClient);
  const commands = { Get: GetCommand, Put: PutCommand, Update: UpdateCommand, Query: QueryCommand } as const;
  for (const [name, Command] of Object.entries(commands)) {
    mock.on(Command as never).callsFake(async (input: Record<string, unknown>) => {
      intercept(name as keyof typeof commands, input);
      return realSend.call(real, new (Command as new (input: unknown) => unknown)(input));
    });
  }
  return mock;
}
