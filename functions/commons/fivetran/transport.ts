/** The largest successful answer the client reads: a full page of 1,000 connections is a few MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Error bodies are `{code, message}`: only their start is worth reading. */
export const ERROR_BODY_BYTES = 64 * 1024;

/** What one attempt produced: an HTTP answer (body read within the cap), a body over the cap, or no answer. */
export type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Headers; readonly text: string }
  | { readonly kind: 'too_large'; readonly status: number; readonly declaredBytes: number | null }
  | { readonly kind: 'failure'; readonly error: Error };

export interface AttemptRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  /** Successful bodies beyond this are refused; error bodies are read only up to `ERROR_BODY_BYTES`. */
  readonly maxBytes: number;
}

/**
 * One HTTP attempt. The timeout covers reading the body too (a stalled or cut-off body is a transport
 * failure). The body is streamed and counted: past the cap the request is aborted at once, so a hostile or
 * broken answer costs at most the cap in memory, never its whole size.
 */
export async function attempt(fetchFn: typeof fetch, request: AttemptRequest): Promise<Attempt> {
  const abort = new AbortController();
  try {
    const response = await fetchFn(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([AbortSignal.timeout(request.timeoutMs), abort.signal]),
      redirect: 'error',
    });
    const ok = response.status >= 200 && response.status < 300;
    const cap = ok ? request.maxBytes : Math.min(request.maxBytes, ERROR_BODY_BYTES);
    const declared = declaredLength(response.headers);
    if (ok && declared !== null && declared > cap) {
      abort.abort();
      return { kind: 'too_large', status: response.status, declaredBytes: declared };
    }
    // An oversized success is refused whole; an oversized error body is cut (its start says enough).
    const body = await readCapped(response, cap, !ok);
    if (body.overflowed) abort.abort();
    if (body.overflowed && ok) return { kind: 'too_large', status: response.status, declaredBytes: declared };
    return { kind: 'answer', status: response.status, headers: response.headers, text: body.text };
  } catch (error) {
    return { kind: 'failure', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

function declaredLength(headers: Headers): number | null {
  const value = headers.get('content-length')?.trim();
  return value && /^\d{1,16}$/.test(value) ? Number(value) : null;
}

/**
 * Reads at most `cap` bytes; `overflowed` when more was coming (the rest is never read). On overflow the
 * bytes read are decoded only when `keepOnOverflow`, so a refused answer is dropped at once.
 */
async function readCapped(
  response: Response,
  cap: number,
  keepOnOverflow: boolean,
): Promise<{ text: string; overflowed: boolean }> {
  if (response.body === null) return { text: '', overflowed: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > cap) {
      await reader.cancel().catch(() => {});
      if (!keepOnOverflow) return { text: '', overflowed: true };
      chunks.push(value.subarray(0, cap - size));
      return { text: Buffer.concat(chunks).toString('utf8'), overflowed: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: Buffer.concat(chunks, size).toString('utf8'), overflowed: false };
}
