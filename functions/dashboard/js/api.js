// The page reads the same /api/* routes as any client; this is its one way to call them.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Api = (() => {
  const TOKEN_KEY = 'ftm-token';
  /** A stalled server must not hang the page: every request gives up after this long. */
  const TIMEOUT_MS = 15000;
  /** Pages of a list the page follows at most (1,000 items each): bounds a runaway cursor. */
  const MAX_PAGES = 200;

  /**
   * `kind`: `unauthorized` (401: a token is needed or was refused), `unreachable` (no answer, or a
   * gateway/store outage), `missing` (404), `http` (any other refusal).
   */
  class ApiError extends Error {
    constructor(message, kind, status = null, body = null) {
      super(message);
      this.kind = kind;
      this.status = status;
      this.body = body;
    }
  }

  function token() {
    try {
      return localStorage.getItem(TOKEN_KEY) || '';
    } catch {
      return '';
    }
  }
  function setToken(value) {
    try {
      if (value) localStorage.setItem(TOKEN_KEY, value);
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage can be off (private mode): the token then lasts only as long as this answer.
    }
  }

  async function call(path, init = {}) {
    const headers = { accept: 'application/json' };
    if (token()) headers.authorization = `Bearer ${token()}`;
    let response;
    try {
      response = await fetch(path, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (failure) {
      const timedOut = failure?.name === 'TimeoutError';
      throw new ApiError(
        timedOut ? 'the server did not answer in time' : 'the server did not answer',
        'unreachable',
      );
    }
    const body = await response.json().catch(() => null);
    if (response.ok && body !== null) return body;
    const message = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
    if (response.status === 401) throw new ApiError(message, 'unauthorized', 401, body);
    if (response.status === 404) throw new ApiError(message, 'missing', 404, body);
    if (response.status >= 502 && response.status <= 504) {
      throw new ApiError(
        `the server answered ${response.status}: ${message}`,
        'unreachable',
        response.status,
        body,
      );
    }
    throw new ApiError(`${path}: ${message}`, 'http', response.status, body);
  }

  /** A route that may not exist on this server yet: null on 404, so its section can hide. */
  async function optional(path) {
    try {
      return await call(path);
    } catch (failure) {
      if (failure.kind === 'missing') return null;
      throw failure;
    }
  }

  /** Every page of a list; `onPage(itemsSoFar, more)` after each page (the first renders at once). */
  async function listAll(path, onPage) {
    const items = [];
    let cursor = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await call(
        `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...(Array.isArray(page.items) ? page.items : []));
      cursor = typeof page.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null;
      pages++;
      onPage?.(items, cursor !== null);
    } while (cursor && pages < MAX_PAGES);
    return items;
  }

  function connectionPath(id, tail = '') {
    return `/api/connections/${encodeURIComponent(id)}${tail}`;
  }

  return { ApiError, token, setToken, call, optional, listAll, connectionPath };
})();
