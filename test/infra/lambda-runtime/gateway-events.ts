/**
 * API Gateway REST proxy integration events (payload 1.0) as this stack's API sends them: `binaryMediaTypes:
 * ['*\/*']` makes every body arrive base64-encoded, headers and query strings come both single-valued
 * (the last value wins) and multi-valued, and the resource is the route's template (`/api/{proxy+}`).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface GatewayRequest {
  readonly method: string;
  /** Path below the stage, with an optional query string: `/api/connections?health=failing`. */
  readonly url: string;
  /** Repeated names are kept in order (a list per name). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Uint8Array;
  readonly stage?: string;
  /** The caller's IAM identity (`/api/*` is IAM-authorized); null for the public webhook. */
  readonly callerArn?: string | null;
}

function resourceOf(path: string): { resource: string; pathParameters: Record<string, string> | null } {
  if (path === '/webhooks/fivetran' || path === '/api') return { resource: path, pathParameters: null };
  if (path.startsWith('/api/'))
    return { resource: '/api/{proxy+}', pathParameters: { proxy: path.slice(5) } };
  throw new Error(`the stack routes no ${path}`);
}

/** Last value per name, as API Gateway fills the single-value maps; null when there is none. */
function lastValues(multi: Record<string, string[]>): Record<string, string> | null {
  const entries = Object.entries(multi).map(([name, values]) => [name, values[values.length - 1] as string]);
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

export function restProxyEvent(request: GatewayRequest): APIGatewayProxyEvent {
  const url = new URL(request.url, 'https://example.execute-api.us-east-1.amazonaws.com');
  const stage = request.stage ?? 'prod';
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    multiValueHeaders[name] = typeof value === 'string' ? [value] : [...value];
  }
  multiValueHeaders.Host ??= [url.host];
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    multiValueQuery[name] = [...(multiValueQuery[name] ?? []), value];
  }
  const body = request.body === undefined ? null : Buffer.from(request.body).toString('base64');
  const callerArn =
    request.callerArn === undefined ? 'arn:aws:iam::111111111111:user/operator' : request.callerArn;
  const { resource, pathParameters } = resourceOf(url.pathname);
  const headers = lastValues(multiValueHeaders) ?? {};
  return {
    resource,
    path: url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: lastValues(multiValueQuery),
    multiValueQueryStringParameters: Object.keys(multiValueQuery).length === 0 ? null : multiValueQuery,
    pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: body !== null,
    requestContext: {
      accountId: '111111111111',
      apiId: 'example',
      authorizer: null,
      domainName: url.host,
      domainPrefix: 'example',
      extendedRequestId: 'e2e-extended',
      httpMethod: request.method,
      identity: {
        accessKey: callerArn ? 'ASIAEXAMPLE' : null,
        accountId: callerArn ? '111111111111' : null,
        apiKey: null,
        apiKeyId: null,
        caller: callerArn ? 'AIDAEXAMPLE' : null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '192.0.2.10',
        user: callerArn ? 'AIDAEXAMPLE' : null,
        userAgent: headers['User-Agent'] ?? 'e2e',
        userArn: callerArn,
      },
      path: `/${stage}${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId: crypto.randomUUID(),
      requestTime: '03/Dec/2026:12:00:00 +0000',
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: resource,
      stage,
    },
  };
}
