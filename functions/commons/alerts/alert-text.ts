/**
 * Text from Fivetran (names, reasons) reaches chat clients and pagers. It is made inert for each format and
 * clipped to each channel's limits here, in one place, so no builder can forget it.
 */

const ELLIPSIS = '…';

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, zero-width characters and bidirectional
 * overrides: none belongs in a one-line alert, and the last two can disguise what a reader sees.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** One line of visible text: controls become spaces, runs of white space collapse, ends trimmed. */
export function sanitizeText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value.replace(INVISIBLE_OR_CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** The code points of a string, so clipping never splits a surrogate pair. */
function codePoints(value: string): string[] {
  return Array.from(value);
}

/**
 * Escapes each code point with `escapeOne` and stops before the result would pass `max` UTF-16 units
 * (the unit Slack, Teams and PagerDuty count), ending a clipped text with an ellipsis. Escaping and clipping
 * together means a clip never cuts an escape sequence (`&amp;`, `\*`) in half.
 */
export function escapeAndClip(value: string, max: number, escapeOne: (ch: string, index: number) => string) {
  const pieces = codePoints(value).map((ch, index) => escapeOne(ch, index));
  const full = pieces.join('');
  if (full.length <= max) return full;
  let out = '';
  for (const piece of pieces) {
    if (out.length + piece.length + ELLIPSIS.length > max) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Plain text (PagerDuty, headers): sanitized and clipped, nothing to escape. */
export function plainText(value: string | null | undefined, max: number): string {
  return escapeAndClip(sanitizeText(value), max, (ch) => ch);
}

const SLACK_ENTITIES = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
]);

/**
 * Broadcast words Slack may turn into notifications; a zero-width space after the `@` keeps the text
 * readable and the mention dead. (`<!channel>` and `<@U…>` are already dead once `<` is escaped.)
 */
const SLACK_BROADCAST = /@(channel|here|everyone)\b/gi;

/** Slack mrkdwn: `&`, `<`, `>` as entities (so no `<!channel>`, `<@user>`, `<url|text>`), broadcasts defused. */
export function slackText(value: string | null | undefined, max: number): string {
  const defused = sanitizeText(value).replace(SLACK_BROADCAST, '@\u200b$1');
  return escapeAndClip(defused, max, (ch) => SLACK_ENTITIES.get(ch) ?? ch);
}

/** Undoes `slackText` (tests use it to prove nothing but the escaping changed the text). */
export function unescapeSlack(value: string): string {
  return value
    .replace(/\u200b/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Markdown punctuation an Adaptive Card TextBlock or Fact would interpret (links, emphasis, code, HTML). */
const TEAMS_SPECIAL = new Set(['\\', '*', '_', '~', '`', '[', ']', '(', ')', '<', '>', '#', '|', '{', '}']);

/**
 * Adaptive Card text (Teams renders a Markdown subset): each special character backslash-escaped, and a
 * leading list marker (`-`, `+`, `1.`) escaped too, so Fivetran text never becomes a link, emphasis or list.
 */
export function teamsText(value: string | null | undefined, max: number): string {
  const text = sanitizeText(value);
  const listNumber = /^\d+\./.exec(text);
  const dotIndex = listNumber ? listNumber[0].length - 1 : -1;
  return escapeAndClip(text, max, (ch, index) => {
    if (TEAMS_SPECIAL.has(ch)) return `\\${ch}`;
    if (index === 0 && (ch === '-' || ch === '+')) return `\\${ch}`;
    if (index === dotIndex) return '\\.';
    return ch;
  });
}

/** Undoes `teamsText` (for tests). */
export function unescapeTeams(value: string): string {
  return value.replace(/\\(.)/gu, '$1');
}

/** Longest-first clip of a whole JSON payload is not possible; builders size their parts with these. */
export const SLACK_LIMITS = {
  header: 150,
  sectionText: 3_000,
  field: 2_000,
  fields: 10,
  contextElement: 2_000,
  fallbackText: 3_000,
  blocks: 50,
} as const;

/** Teams rejects a message whose properties pass 28,672 bytes; cards are kept well under that. */
export const TEAMS_LIMITS = { title: 200, text: 2_000, factTitle: 100, factValue: 1_000, cardBytes: 24_000 };

/** PagerDuty Events API v2: summary 1,024 characters, dedup_key 255, a whole event 512 KB. */
export const PAGERDUTY_LIMITS = { summary: 1_024, dedupKey: 255, field: 1_024, detail: 4_096 };
