import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeAlert } from '#commons/alerts/alert-content';
import type { AlertMessage } from '#commons/alerts/alert-model';
import { sanitizeText, slackText, teamsText, unescapeSlack, unescapeTeams } from '#commons/alerts/alert-text';
import { pagerDutyEvent } from '#commons/alerts/pagerduty-event';
import { type SlackBlock, slackMessage } from '#commons/alerts/slack-message';
import { teamsMessage } from '#commons/alerts/teams-message';
import { ROUTING_KEY } from './support/alert-fixtures.ts';

/** Any text at all, with the characters that matter to chat formats much more likely than chance. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are part of the hostile input.
  fc.stringMatching(/^[<>&@!|*_~`[\]()#\\{}\-+.0-9a-z \n\t\u0000\u202e]{0,300}$/),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@U024BE7LH>',
    '@everyone',
    '[x](https://evil.test)',
    '&amp;',
  ),
);
const ANY = { numRuns: 1_000 };
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('Property: escaping', () => {
  it('Slack text has no raw <, >, stray &, control characters, and unescapes to the visible text', () => {
    fc.assert(
      fc.property(hostileText, (raw) => {
        // Act
        const out = slackText(raw, 10_000);
        // Assess
        expect(out).not.toMatch(/[<>]/);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(out).not.toMatch(CONTROL);
        expect(out).not.toMatch(/@(channel|here|everyone)\b/i);
        expect(unescapeSlack(out)).toBe(sanitizeText(raw).replace(/\u200b/g, ''));
      }),
      ANY,
    );
  });

  it('Teams text leaves no Markdown character unescaped and unescapes to the visible text', () => {
    fc.assert(
      fc.property(hostileText, (raw) => {
        // Act
        const out = teamsText(raw, 10_000);
        // Assess
        const unescaped = out.replace(/\\./gu, '');
        expect(unescaped).not.toMatch(/[\\*_~`[\]()<>#|{}]/);
        expect(out).not.toMatch(/^([-+]|\d+\.)/);
        expect(out).not.toMatch(CONTROL);
        expect(unescapeTeams(out)).toBe(sanitizeText(raw));
      }),
      ANY,
    );
  });

  it('clipping never passes the limit and never cuts an escape in half', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 1, max: 80 }), (raw, max) => {
        // Act
        const slack = slackText(raw, max);
        const teams = teamsText(raw, max);
        // Assess
        expect(slack.length).toBeLessThanOrEqual(max);
        expect(teams.length).toBeLessThanOrEqual(max);
        expect(slack.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(teams.replace(/\\./gu, '')).not.toMatch(/\\$/);
      }),
      ANY,
    );
  });
});

const connection = fc.record({
  id: fc.string({ minLength: 1, maxLength: 1_024 }),
  schema: fc.option(hostileText, { nil: null }),
  service: fc.option(hostileText, { nil: null }),
  group_id: fc.option(hostileText, { nil: null }),
  group_name: fc.option(hostileText, { nil: null }),
  destination_service: fc.option(hostileText, { nil: null }),
});
const reason = fc.option(
  fc.record({
    code: fc.string({ minLength: 1, maxLength: 64 }),
    message: hostileText,
    since: fc.constant(null),
  }),
  { nil: null },
);
const hostileMessage: fc.Arbitrary<AlertMessage> = fc.record({
  kind: fc.constant('change' as const),
  connection,
  from: fc.constant('healthy' as const),
  to: fc.constant('failing' as const),
  reason,
  changed_at: fc.constant('2026-03-02T10:00:00.000Z'),
});

function slackTextObjects(blocks: readonly SlackBlock[]): { block: string; text: string }[] {
  return blocks.flatMap((block) => {
    if (block.type === 'header') return [{ block: 'header', text: block.text.text }];
    if (block.type === 'context') return block.elements.map((e) => ({ block: 'context', text: e.text }));
    return [
      ...(block.text ? [{ block: 'section', text: block.text.text }] : []),
      ...(block.fields ?? []).map((f) => ({ block: 'field', text: f.text })),
    ];
  });
}

describe('Property: whole messages from hostile Fivetran text', () => {
  it('stay inside every channel limit and carry no mention or foreign link', () => {
    fc.assert(
      fc.property(hostileMessage, (message) => {
        // Prepare
        const content = describeAlert(message, { dashboardUrl: 'https://metadata.example.test' });

        // Act
        const slack = slackMessage(content);
        const teams = teamsMessage(content);
        const pagerduty = pagerDutyEvent(message, content, ROUTING_KEY);

        // Assess
        const limits: Record<string, number> = { header: 150, section: 3_000, field: 2_000, context: 2_000 };
        for (const { block, text } of slackTextObjects(slack.blocks)) {
          expect(text.length).toBeLessThanOrEqual(limits[block] ?? 0);
          if (block === 'context') {
            expect(text).toMatch(
              /^<https:\/\/[^<>|\s]+\|Open in Fivetran>( {2}· {2}<https:\/\/[^<>|\s]+\|Open in dashboard>)?$/,
            );
          } else {
            expect(text).not.toMatch(/[<>]/);
          }
        }
        expect(slack.text.length).toBeLessThanOrEqual(3_000);
        expect(slack.text).not.toMatch(/[<>]/);
        expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThanOrEqual(24_000);
        expect(pagerduty?.dedup_key.length).toBeLessThanOrEqual(255);
        if (pagerduty?.event_action === 'trigger') {
          expect(pagerduty.payload.summary.length).toBeLessThanOrEqual(1_024);
          expect(pagerduty.payload.summary).not.toMatch(CONTROL);
        }
      }),
      { numRuns: 300 },
    );
  });
});
