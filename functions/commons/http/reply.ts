import type { z } from 'zod';
import type { RouteSpec } from './route-specs.ts';

type BodyOf<R> = R extends { readonly schema: infer S }
  ? S extends z.core.$ZodType
    ? z.input<S>
    : string
  : never;

/**
 * What a handler may answer for its route: one of the route's documented statuses with a body its schema
 * describes. A handler that returns anything else does not compile, so the OpenAPI document cannot drift
 * from the answers.
 */
export type Reply<S extends RouteSpec> = {
  [K in keyof S['responses'] & number]: {
    readonly status: K;
    readonly body: BodyOf<S['responses'][K]>;
    readonly headers?: Readonly<Record<string, string>>;
  };
}[keyof S['responses'] & number];

/** A request as a route handler sees it: path parameters decoded, the first value of each query parameter. */
export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes received (empty for GET). */
  body(): Promise<Uint8Array>;
}

export type RouteHandler<S extends RouteSpec> = (request: RouteRequest) => Promise<Reply<S>>;

/** An answer other than 2xx decided by a handler: status plus one line, sent as `{ message }`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
