import { retryAfterMs } from '../fivetran/retry-policy.ts';
import type { ChannelName } from './alert-model.ts';
import { plainText } from './alert-text.ts';
import type { PostOutcome } from './http-post.ts';

/**
 * What a channel's answer means for the message: sent; worth another try (429, 5xx, 408, no answer); or
 * refused (any other 3xx/4xx: the URL or key is wrong, the channel archived, the flow deleted), which no
 * retry will fix.
 */
export type AnswerVerdict =
  | { readonly verdict: 'delivered'; readonly status: number }
  | {
      readonly verdict: 'retry';
      readonly status: number | null;
      readonly error: string;
      readonly retryAfterMs: number | null;
    }
  | { readonly verdict: 'refused'; readonly status: number; readonly error: string };

/** The channel's own word for what went wrong: Slack answers `no_service`, Workflows and PagerDuty JSON. */
export function answerWord(body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      const error = json.error as Record<string, unknown> | string | undefined;
      const parts = [
        typeof error === 'string' ? error : undefined,
        typeof error === 'object' && error ? error.code : undefined,
        typeof error === 'object' && error ? error.message : undefined,
        json.status,
        json.message,
        Array.isArray(json.errors) ? json.errors[0] : undefined,
      ].filter((part): part is string => typeof part === 'string' && part.length > 0);
      if (parts.length > 0) return plainText([...new Set(parts)].join(': '), 160);
    } catch {
      // not JSON after all: the text itself
    }
  }
  return plainText(text, 160);
}

/**
 * The retired Teams connectors answered 200 with the real failure in the body; a Workflows URL should not,
 * but an old URL still might. Such a 200 is not a delivery.
 */
function teamsHiddenFailure(body: string): number | null {
  const match = /(?:Webhook message delivery failed|returned HTTP error (\d{3}))/i.exec(body);
  if (!match) return null;
  return match[1] ? Number(match[1]) : 400;
}

export function judgeAnswer(channel: ChannelName, outcome: PostOutcome, nowMs: number): AnswerVerdict {
  if (outcome.kind === 'failed') {
    return { verdict: 'retry', status: null, error: outcome.reason, retryAfterMs: null };
  }
  let status = outcome.status;
  if (status >= 200 && status < 300 && channel === 'teams')
    status = teamsHiddenFailure(outcome.body) ?? status;
  if (status >= 200 && status < 300) return { verdict: 'delivered', status };
  const word = answerWord(outcome.body);
  const error = word ? `${status} ${word}` : String(status);
  if (status === 429 || status === 408 || status >= 500) {
    return { verdict: 'retry', status, error, retryAfterMs: retryAfterMs(outcome.retryAfter, nowMs) };
  }
  return { verdict: 'refused', status, error };
}

/** A sentence for the operator about a refusal: what the status usually means for that channel. */
export function refusalHint(channel: ChannelName, status: number): string {
  const setting =
    channel === 'slack'
      ? 'SLACK_WEBHOOK_URL'
      : channel === 'teams'
        ? 'TEAMS_WEBHOOK_URL'
        : 'PAGERDUTY_ROUTING_KEY';
  if (status >= 300 && status < 400) return `${setting} answers with a redirect; use the final URL`;
  if (status === 400 && channel === 'pagerduty') return `PagerDuty rejected the event; check ${setting}`;
  if (status === 404 || status === 410)
    return `${setting} points at nothing (deleted or archived); set a new one`;
  if (status === 401 || status === 403) return `${setting} is not allowed to post (revoked or disabled)`;
  return `the channel refused the message; check ${setting}`;
}
