import { createHmac, timingSafeEqual } from 'node:crypto';

/** Fivetran's signature header. HTTP header names are case-insensitive; API Gateway keeps the sender's casing. */
export const SIGNATURE_HEADER = 'x-fivetran-signature-256';

/** An HMAC-SHA256 digest is 32 bytes: 64 hex characters. */
const DIGEST_BYTES = 32;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

export type HeaderValue = string | readonly string[] | undefined;
export type Headers = Readonly<Record<string, HeaderValue>>;

export type SignatureCheck =
  | {
      readonly valid: true /** index into the secrets list: 0 = current, 1+ = previous */;
      readonly secretIndex: number;
    }
  | { readonly valid: false; readonly reason: 'missing' | 'malformed' | 'mismatch' };

/** Case-insensitive header lookup. A repeated header is ambiguous, so it reads as malformed (undefined is "missing"). */
export function findHeader(headers: Headers, name: string): string | undefined | null {
  const wanted = name.toLowerCase();
  let found: string | undefined | null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (found !== undefined) return null;
    if (typeof value === 'string') found = value;
    else found = value.length === 1 ? value[0] : null;
  }
  return found;
}

/** HMAC-SHA256 of the exact bytes, as Fivetran computes it; upper-case hex like Fivetran's own samples. */
export function signBody(body: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex').toUpperCase();
}

/**
 * Verifies the signature over the exact received bytes against each secret (current first).
 * Decoded digests are compared in constant time; any malformed header is a rejection, never an exception.
 */
export function verifySignature(
  body: Uint8Array,
  headers: Headers,
  secrets: readonly string[],
): SignatureCheck {
  const header = findHeader(headers, SIGNATURE_HEADER);
  if (header === undefined || header === '') return { valid: false, reason: 'missing' };
  if (header === null) return { valid: false, reason: 'malformed' };
  const trimmed = header.trim();
  if (!HEX_DIGEST.test(trimmed)) return { valid: false, reason: 'malformed' };
  const received = Buffer.from(trimmed, 'hex');
  if (received.length !== DIGEST_BYTES) return { valid: false, reason: 'malformed' };
  for (const [index, secret] of secrets.entries()) {
    if (secret === '') continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    if (timingSafeEqual(expected, received)) return { valid: true, secretIndex: index };
  }
  return { valid: false, reason: 'mismatch' };
}

/** Fivetran signs with whatever secret it is given; one this short could be guessed from signed bodies. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Parses the configured secret list (`current[,previous]`). Empty, whitespace-padded or short entries are a
 * configuration error: Fivetran uses the secret byte for byte, so a stray space would reject every delivery,
 * and a list like `Str0ngRandomSecret,1` (one secret with a comma in it, read as two) would accept any
 * delivery signed with `1`. The message names the entry by position and length, never its value.
 */
export function parseSecretList(value: string): string[] {
  const secrets = value.split(',');
  if (secrets.length === 0 || secrets.length > 2) {
    throw new Error(
      `webhook secret must be "current" or "current,previous", got ${secrets.length} comma-separated parts (a secret may not contain a comma)`,
    );
  }
  for (const secret of secrets) {
    if (secret.length === 0) throw new Error('webhook secret list has an empty entry');
    if (secret.trim() !== secret) throw new Error('webhook secret has leading or trailing whitespace');
  }
  const short = secrets.findIndex((secret) => secret.length < MIN_SECRET_LENGTH);
  if (short !== -1) {
    const which =
      secrets.length === 1
        ? 'the secret'
        : `secret ${short + 1} of 2 (${short === 0 ? 'current' : 'previous'})`;
    const split =
      secrets.length === 2
        ? `; the value looks like one secret split at its comma (a comma separates the current and the previous secret)`
        : '';
    throw new Error(
      `${which} is ${(secrets[short] as string).length} characters; each webhook secret must be at least ${MIN_SECRET_LENGTH}${split}`,
    );
  }
  return secrets;
}
