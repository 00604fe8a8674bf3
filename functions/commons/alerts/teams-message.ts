import type { AlertContent, AlertTone } from './alert-content.ts';
import { TEAMS_LIMITS, teamsText } from './alert-text.ts';

/**
 * A Microsoft Teams message for a Workflows webhook ("When a Teams webhook request is received" → "Post card
 * in a chat or channel"): a `message` whose one attachment is an Adaptive Card. Workflows accept Adaptive
 * Cards only (not the retired connectors' MessageCard). Teams renders a Markdown subset in TextBlocks and
 * facts, so every text goes through `teamsText`.
 */
export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  readonly version: '1.4';
  readonly body: readonly Record<string, unknown>[];
  readonly actions?: readonly { type: 'Action.OpenUrl'; title: string; url: string }[];
  readonly msteams: { readonly width: 'Full' };
}

export interface TeamsPayload {
  readonly type: 'message';
  readonly attachments: readonly [
    {
      readonly contentType: 'application/vnd.microsoft.card.adaptive';
      readonly contentUrl: null;
      readonly content: AdaptiveCard;
    },
  ];
}

/** Adaptive Card text colours by tone. */
const TONE_COLOR: Record<AlertTone, string> = {
  bad: 'Attention',
  warn: 'Warning',
  good: 'Good',
  info: 'Default',
};

function textBlock(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

function bodyOf(content: AlertContent, lines: readonly string[]): Record<string, unknown>[] {
  const body: Record<string, unknown>[] = [
    textBlock(teamsText(content.title, TEAMS_LIMITS.title), {
      size: 'Medium',
      weight: 'Bolder',
      color: TONE_COLOR[content.tone],
    }),
    textBlock(teamsText(content.summary, TEAMS_LIMITS.text)),
  ];
  if (content.facts.length > 0) {
    body.push({
      type: 'FactSet',
      facts: content.facts.map((fact) => ({
        title: teamsText(fact.label, TEAMS_LIMITS.factTitle),
        value: teamsText(fact.value, TEAMS_LIMITS.factValue),
      })),
    });
  }
  for (const line of lines) body.push(textBlock(`• ${teamsText(line, 300)}`, { spacing: 'None' }));
  return body;
}

function payloadOf(content: AlertContent, lines: readonly string[]): TeamsPayload {
  const actions = content.links.map((link) => ({
    type: 'Action.OpenUrl' as const,
    title: link.label,
    url: link.url,
  }));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: bodyOf(content, lines),
    ...(actions.length > 0 ? { actions } : {}),
    msteams: { width: 'Full' },
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

function byteLength(payload: TeamsPayload): number {
  return Buffer.byteLength(JSON.stringify(payload), 'utf8');
}

/**
 * The card, kept under Teams' size limit: if the listed lines (digest) make it too big, lines are dropped from
 * the end and counted in a last line, so the card is always accepted.
 */
export function teamsMessage(content: AlertContent): TeamsPayload {
  let keep = content.lines.length;
  let payload = payloadOf(content, content.lines);
  while (byteLength(payload) > TEAMS_LIMITS.cardBytes && keep > 0) {
    keep = Math.floor(keep / 2);
    const dropped = content.lines.length - keep;
    payload = payloadOf(content, [...content.lines.slice(0, keep), `… and ${dropped} more`]);
  }
  return payload;
}
