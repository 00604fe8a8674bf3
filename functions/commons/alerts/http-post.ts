import { USER_AGENT } from '../fivetran/user-agent.ts';
import { readBounded } from '../lib/read-bounded.ts';

/**
 * One JSON POST to a channel, bounded every way a stranger's server could stall or flood us: a timeout over
 * the whole exchange, the answer read to at most `maxResponseBytes`, redirects not followed (a redirect could
 * carry PagerDuty's routing key to another host). Never throws; failures come back as a short reason that
 * holds no URL.
 */
export type PostOutcome =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly retryAfter: string | null;
      readonly body: string;
    }
  | { readonly kind: 'failed'; readonly reason: string };

export interface PostOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs: number;
  readonly maxResponseBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024;

/** A failure's short name: `timeout`, or the socket error code (`ECONNREFUSED`); never its message. */
export function failureReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code.slice(0, 40);
    if (cause && cause.name === 'TimeoutError') return 'timeout';
    return error.name.slice(0, 40);
  }
  return 'unknown';
}

export async function postJson(url: string, body: unknown, options: PostOptions): Promise<PostOutcome> {
  const fetchImpl = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    return { kind: 'failed', reason: failureReason(error) };
  }
  let text = '';
  try {
    text = await readBounded(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  } catch {
    // The status is what counts; an answer body that stalls or breaks is left unread.
  }
  return {
    kind: 'answered',
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: text,
  };
}
