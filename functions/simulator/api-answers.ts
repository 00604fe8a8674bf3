import type { Simulator } from './simulator.ts';

/** A request as the routes see it: already authenticated, JSON body parsed. */
export interface ApiRequest {
  readonly method: string;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
}

/** An answer; `body` undefined is sent without a body (as Fivetran's 401). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: string;
  /** `/v1/connections/{id}`: also the name the request counter uses. */
  readonly template: string;
  readonly handle: (sim: Simulator, request: ApiRequest) => ApiAnswer | Promise<ApiAnswer>;
}

export const success = (data: unknown, message = 'Operation performed.', status = 200): ApiAnswer => ({
  status,
  body: data === undefined ? { code: 'Success', message } : { code: 'Success', message, data },
});

export const failure = (status: number, code: string, message: string): ApiAnswer => ({
  status,
  body: { code, message },
});

/** Fivetran's real 403 (reference §9). */
export const forbidden = (permission: string): ApiAnswer =>
  failure(403, 'Forbidden', `Access denied. Required permission: ${permission}`);

export function visibleGroup(sim: Simulator, groupId: string): boolean {
  const scope = sim.knobs.visibleGroupIds;
  return scope === null || scope.includes(groupId);
}

export const connectionNotFound = (id: string): ApiAnswer =>
  failure(404, 'NotFound_Connector', `Connector with id '${id}' does not exist.`);
