import type { Headers } from '../webhook/signature.ts';

/** A request as every shell hands it to the router: no framework or AWS-event types. */
export interface ApiRequest {
  readonly method: string;
  /** Path without the query string, still percent-encoded. */
  readonly path: string;
  /** First value of each query parameter. */
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Headers;
  /** The exact bytes received (empty for GET). */
  readonly body: Uint8Array;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** Errors always have this shape: `{ "message": "…" }`. */
export function error(status: number, message: string, headers: Record<string, string> = {}): ApiResponse {
  return json(status, { message }, headers);
}
