import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Headers } from '#commons/webhook/signature';

/** API Gateway REST proxy (payload 1.0) or HTTP API (payload 2.0) events. */
export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

function isV2(event: ApiGatewayEvent): event is APIGatewayProxyEventV2 {
  return (event as APIGatewayProxyEventV2).version === '2.0';
}

/** The exact bytes received: API Gateway base64-encodes binary bodies and says so. */
export function bodyBytes(event: ApiGatewayEvent): Uint8Array {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Headers with every value kept: a repeated signature header must read as ambiguous, not as its last copy. */
export function headersOf(event: ApiGatewayEvent): Headers {
  if (!isV2(event) && event.multiValueHeaders && Object.keys(event.multiValueHeaders).length > 0) {
    return event.multiValueHeaders;
  }
  return event.headers ?? {};
}
