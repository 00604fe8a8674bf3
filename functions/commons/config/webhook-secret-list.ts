// The format of FIVETRAN_WEBHOOK_SECRET and of the webhook secret in Secrets Manager: configuration, read by
// the config loaders and every secret source.
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
