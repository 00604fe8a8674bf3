import { ConfigError } from '#commons/config/env';
import { FivetranApiError } from '#commons/fivetran/errors';
import { DUMMY_CONNECTION_ID, DUMMY_GROUP_ID } from '#commons/webhook/parse-event';

/** How long the diagnostic request from this machine may take. */
const PROBE_TIMEOUT_MS = 5_000;

/** Fivetran's creation probe failed: it could not get a 2xx from the URL. Exit 1: the fix is on our side. */
export class ProbeFailedError extends ConfigError {
  override name = 'ProbeFailedError';
}

/** What the URL answers this machine to Fivetran's creation probe, in its documented shape, in words. */
export async function probeFromHere(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string> {
  const body = JSON.stringify({
    event: 'test_event',
    created: new Date().toISOString(),
    connector_type: '_connector_type',
    connector_id: DUMMY_CONNECTION_ID,
    group_id: DUMMY_GROUP_ID,
  });
  try {
    const answer = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await answer.body?.cancel();
    return answer.ok
      ? `answers this machine ${answer.status}, so it may not be reachable from Fivetran's servers (a private network, a firewall, a loopback address)`
      : `answers this machine ${answer.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return `does not answer this machine either (${cause})`;
  }
}

export interface ProbeContext {
  readonly url: string;
  /** Where the receiver's signing secret is (file path or secret id). */
  readonly secretsName: string;
  /** Deployed (the webhook function answers) or local (this command answers on host:port). */
  readonly receiver: { readonly kind: 'deployed' } | { readonly kind: 'local'; readonly listen: string };
  readonly creating: boolean;
  readonly probe?: (url: string) => Promise<string>;
}

/**
 * A 400 while creating or activating a webhook: Fivetran POSTs a test event to the URL first and goes on
 * only on a 2xx, so the fix is on our side (the URL, the receiver, its secret), not "the API is
 * unreachable". Says what to check, with what the URL answers from here; null for any other failure.
 */
export async function explainProbeFailure(
  error: unknown,
  context: ProbeContext,
): Promise<ProbeFailedError | null> {
  if (!(error instanceof FivetranApiError) || error.status !== 400) return null;
  const seen = await (context.probe ?? probeFromHere)(context.url);
  const receiver =
    context.receiver.kind === 'deployed'
      ? `the deployment's webhook function answers it (its CloudWatch logs say why it did not answer 200), and verifies with the secret ${context.secretsName}: the stack's WebhookSecretArn (--stack passes the right one)`
      : `this command answers it on ${context.receiver.listen} while it runs: the URL must lead there from the internet (a tunnel or a proxy), and the local server verifies with ${context.secretsName}`;
  return new ProbeFailedError(
    [
      `Fivetran ${context.creating ? 'did not create' : 'did not re-activate'} the webhook: its test request to ${context.url} failed (${error.message}).`,
      `Fivetran POSTs a test event to the URL first and goes on only on a 2xx. Check on our side: the URL is the one Fivetran can reach (deployed: the stack's WebhookUrl output) — it ${seen};`,
      `${receiver}.`,
      context.creating ? 'Nothing was created at Fivetran, and the stored secrets were put back.' : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
}
