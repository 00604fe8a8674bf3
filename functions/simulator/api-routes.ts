import type { Route } from './api-answers.ts';
import { READ_ROUTES } from './read-routes.ts';
import { WEBHOOK_ROUTES } from './webhook-routes.ts';

export { type ApiAnswer, type ApiRequest, failure, success } from './api-answers.ts';
export { SUBSCRIBABLE_EVENTS } from './webhook-routes.ts';

/** Every endpoint the simulator serves: the documented read subset and the webhook administration. */
export const ROUTES: readonly Route[] = [...READ_ROUTES, ...WEBHOOK_ROUTES];

const compiled = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.template.replace(/\{id\}/g, '([^/]+)')}$`),
}));

/** The route for a path: a match, `405` when the path exists under another method, or null (404). */
export function matchRoute(
  method: string,
  pathname: string,
): { route: Route; params: string[] } | { methodNotAllowed: string } | null {
  let known: string | null = null;
  for (const { route, pattern } of compiled) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    if (route.method === method) return { route, params: match.slice(1).map(decodeURIComponent) };
    known = route.template;
  }
  return known === null ? null : { methodNotAllowed: known };
}
