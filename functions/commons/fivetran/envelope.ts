import { MalformedResponseError } from './errors.ts';
import { envelopeSchema, errorBodySchema } from './schemas.ts';
import { printable } from './tolerant-read.ts';

/** Reads a 2xx body: JSON, a `{code, data}` envelope with code `Success`; returns its `data`. */
export function readEnvelope(endpoint: string, text: string, status: number, bodyOptional: boolean): unknown {
  if (bodyOptional && (status === 204 || text.trim() === '')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedResponseError(endpoint, `body is not JSON (${text.length} characters)`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new MalformedResponseError(endpoint, 'body is not a {code, data} envelope');
  if (envelope.data.code !== 'Success') {
    const code = printable(envelope.data.code, 64);
    throw new MalformedResponseError(endpoint, `envelope code is "${code}", not "Success"`);
  }
  return envelope.data.data;
}

/** Reads `{code, message}` when the body has them; a missing or non-JSON body (a bare 401) gives nulls. */
export function readErrorBody(text: string): { code: string | null; message: string | undefined } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { code, message } = parsed.data;
      return {
        code: code === undefined ? null : printable(code, 128),
        message: message === undefined ? undefined : printable(message, 300),
      };
    }
  } catch {
    // Not JSON (or cut at the error-body cap): fall through.
  }
  return { code: null, message: undefined };
}

export function describeFailure(error: Error): string {
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'the request timed out';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
