import type { AlertContent, AlertTone } from './alert-content.ts';
import { SLACK_LIMITS, slackText } from './alert-text.ts';

/**
 * A Slack incoming-webhook payload: Block Kit blocks plus a plain `text` fallback (what notifications and
 * old clients show). All text from Fivetran goes through `slackText`; our mrkdwn objects are `verbatim`, so
 * Slack does not auto-link channel names or mentions either.
 */
export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
  readonly verbatim?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

const TONE_EMOJI: Record<AlertTone, string> = { bad: '🔴', warn: '🟠', good: '✅', info: 'ℹ️' };

/** Per listed line in a digest; the section's 3,000 characters bound how many fit. */
const LINE_LIMIT = 300;

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** A URL inside `<url|label>`: `&` as an entity, and nothing that could end the link early. */
function slackUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
}

function factField(label: string, value: string): SlackText {
  const head = `*${slackText(label, 100)}*\n`;
  return mrkdwn(head + slackText(value, SLACK_LIMITS.field - head.length));
}

/** Digest lines in one section, as many as fit, then how many were left off. */
function linesSection(lines: readonly string[]): SlackBlock | null {
  if (lines.length === 0) return null;
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const text = `• ${slackText(line, LINE_LIMIT)}`;
    const reserve = index < lines.length - 1 ? 40 : 0;
    if (length + text.length + 1 + reserve > SLACK_LIMITS.sectionText) {
      kept.push(`… and ${lines.length - index} more lines`);
      break;
    }
    kept.push(text);
    length += text.length + 1;
  }
  return { type: 'section', text: mrkdwn(kept.join('\n')) };
}

export function slackMessage(content: AlertContent): SlackPayload {
  const emoji = TONE_EMOJI[content.tone];
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        // Slack asks for `&`, `<`, `>` escaped in every text field, plain_text too.
        text: slackText(`${emoji} ${content.title}`, SLACK_LIMITS.header),
        emoji: false,
      },
    },
    { type: 'section', text: mrkdwn(slackText(content.summary, SLACK_LIMITS.sectionText)) },
  ];
  if (content.facts.length > 0) {
    const fields = content.facts
      .slice(0, SLACK_LIMITS.fields)
      .map((fact) => factField(fact.label, fact.value));
    blocks.push({ type: 'section', fields });
  }
  const lines = linesSection(content.lines);
  if (lines) blocks.push(lines);
  if (content.links.length > 0) {
    const links = content.links.map((link) => `<${slackUrl(link.url)}|${slackText(link.label, 75)}>`);
    blocks.push({ type: 'context', elements: [mrkdwn(links.join('  ·  '))] });
  }
  const fallback = slackText(`${emoji} ${content.title}: ${content.summary}`, SLACK_LIMITS.fallbackText);
  return { text: fallback, blocks, unfurl_links: false, unfurl_media: false };
}
