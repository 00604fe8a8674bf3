import { describe, expect, it } from 'vitest';
import { describeAlert } from '#commons/alerts/alert-content';
import { type AlertMessage, alertChangeSchema, connectionRef } from '#commons/alerts/alert-model';
import { pagerDutyDedupKey, pagerDutyEvent } from '#commons/alerts/pagerduty-event';
import { type SlackBlock, slackMessage } from '#commons/alerts/slack-message';
import { teamsMessage } from '#commons/alerts/teams-message';
import { failingChange, ROUTING_KEY } from './support/alert-fixtures.ts';

const links = { dashboardUrl: 'https://metadata.example.test' };
const change = alertChangeSchema.parse(failingChange());
const failing: AlertMessage = {
  kind: 'change',
  connection: connectionRef(change),
  from: 'healthy',
  to: 'failing',
  reason: change.health_reason,
  changed_at: change.changed_at,
};
const FIVETRAN_LINK =
  'https://fivetran.com/dashboard/connections/quiet_harbor/status?groupId=lunar_otter&service=postgres';

function slackTexts(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'context') return block.elements.map((e) => e.text);
    return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
  });
}

describe('Slack message', () => {
  it('names the connection, the change, the reason, since when and both links, with a text fallback', () => {
    // Act
    const payload = slackMessage(describeAlert(failing, links));

    // Assess
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(payload.blocks[0]).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 orders_db is failing' },
    });
    const all = slackTexts(payload.blocks).join('\n');
    expect(all).toContain('healthy → failing');
    expect(all).toContain('Sync failed: Permission denied for table orders');
    expect(all).toContain('postgres');
    expect(all).toContain('Warehouse (snowflake)');
    expect(all).toContain('2026-03-02 10:00 UTC');
    expect(all).toContain(`<${FIVETRAN_LINK.replace('&', '&amp;')}|Open in Fivetran>`);
    expect(all).toContain('<https://metadata.example.test/#connection=quiet_harbor|Open in dashboard>');
    expect(payload.text).toBe(
      '🔴 orders_db is failing: healthy → failing. Sync failed: Permission denied for table orders',
    );
    expect(payload.unfurl_links).toBe(false);
  });

  it('carries no dashboard link when no base URL is configured', () => {
    // Act
    const payload = slackMessage(describeAlert(failing, { dashboardUrl: null }));

    // Assess
    const context = payload.blocks.find((b) => b.type === 'context');
    expect(JSON.stringify(context)).toContain('Open in Fivetran');
    expect(JSON.stringify(context)).not.toContain('Open in dashboard');
  });

  it('keeps mentions and links in Fivetran text inert', () => {
    // Prepare
    const hostile: AlertMessage = {
      ...failing,
      connection: { ...failing.connection, schema: '<!channel> & <@U024BE7LH>' },
      reason: { code: 'sync_failed', message: 'see <https://evil.test|docs> @here', since: null },
    };

    // Act
    const texts = slackTexts(slackMessage(describeAlert(hostile, links)).blocks);

    // Assess
    const joined = texts.join(' ');
    expect(joined).not.toMatch(/<!|<@|<https:\/\/evil/);
    expect(joined).toContain('&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;');
    expect(joined).toContain('@\u200bhere');
  });

  it('clips a huge reason to the section and field limits', () => {
    // Prepare
    const huge: AlertMessage = {
      ...failing,
      reason: { code: 'sync_failed', message: 'x'.repeat(4_096), since: null },
    };

    // Act
    const payload = slackMessage(describeAlert(huge, links));

    // Assess
    const section = payload.blocks[1];
    expect(section?.type === 'section' && section.text?.text.length).toBeLessThanOrEqual(3_000);
    const fields = payload.blocks[2]?.type === 'section' ? (payload.blocks[2].fields ?? []) : [];
    for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(2_000);
    expect(fields.some((field) => field.text.endsWith('…'))).toBe(true);
  });
});

describe('Teams message (Workflows webhook)', () => {
  it('is a message with one Adaptive Card attachment naming the connection, with open-URL actions', () => {
    // Act
    const payload = teamsMessage(describeAlert(failing, links));

    // Assess
    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    const [attachment] = payload.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(attachment.content.body[0]).toMatchObject({
      type: 'TextBlock',
      text: 'orders\\_db is failing',
      color: 'Attention',
    });
    const facts = attachment.content.body.find((element) => element.type === 'FactSet') as {
      facts: unknown[];
    };
    expect(facts.facts).toContainEqual({ title: 'Health', value: 'healthy → failing' });
    expect(facts.facts).toContainEqual({
      title: 'Reason',
      value: 'Sync failed: Permission denied for table orders',
    });
    expect(attachment.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Fivetran', url: FIVETRAN_LINK },
      {
        type: 'Action.OpenUrl',
        title: 'Open in dashboard',
        url: 'https://metadata.example.test/#connection=quiet_harbor',
      },
    ]);
  });

  it('escapes Markdown in Fivetran text so it cannot become a link or emphasis', () => {
    // Prepare
    const hostile: AlertMessage = {
      ...failing,
      reason: { code: 'sync_failed', message: '[click](https://evil.test) **now**', since: null },
    };

    // Act
    const card = teamsMessage(describeAlert(hostile, links)).attachments[0].content;

    // Assess
    const json = JSON.stringify(card.body);
    expect(json).toContain('\\\\[click\\\\]\\\\(https://evil.test\\\\) \\\\*\\\\*now\\\\*\\\\*');
  });

  it('drops digest lines until the card fits under the size limit, and says how many', () => {
    // Prepare
    const entries = Array.from({ length: 100 }, (_, i) => ({
      connection: { ...failing.connection, id: `c${i}`, schema: `${'長'.repeat(900)}${i}` },
      health: 'failing' as const,
      reason: { code: 'sync_failed', message: '失'.repeat(4_000), since: null },
    }));
    const digest: AlertMessage = {
      kind: 'digest',
      at: change.changed_at,
      entries,
      total: 100,
      counts: { failing: 100 },
    };

    // Act
    const payload = teamsMessage(describeAlert(digest, links));

    // Assess
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(24_000);
    expect(JSON.stringify(payload)).toMatch(/… and \d+ more/);
  });
});

describe('PagerDuty event', () => {
  it('triggers on failing with the routing key, a stable dedup key, summary, source, severity and links', () => {
    // Act
    const event = pagerDutyEvent(failing, describeAlert(failing, links), ROUTING_KEY);

    // Assess
    expect(event).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'fivetran-metadata/connection/quiet_harbor',
      payload: {
        summary: 'orders_db is failing: healthy → failing. Sync failed: Permission denied for table orders',
        source: 'fivetran:orders_db',
        severity: 'error',
        timestamp: '2026-03-02T10:00:00.000Z',
        component: 'postgres',
        group: 'Warehouse',
        class: 'sync_failed',
      },
      links: [
        { href: FIVETRAN_LINK, text: 'Open in Fivetran' },
        { href: 'https://metadata.example.test/#connection=quiet_harbor', text: 'Open in dashboard' },
      ],
    });
  });

  it('resolves on recovery with the same dedup key, and stays silent for changes that never involve failing', () => {
    // Prepare
    const recovered: AlertMessage = { ...failing, from: 'failing', to: 'healthy', reason: null };
    const delayed: AlertMessage = { ...failing, from: 'healthy', to: 'delayed' };

    // Act
    const resolve = pagerDutyEvent(recovered, describeAlert(recovered, links), ROUTING_KEY);
    const nothing = pagerDutyEvent(delayed, describeAlert(delayed, links), ROUTING_KEY);

    // Assess
    expect(resolve).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: 'fivetran-metadata/connection/quiet_harbor',
    });
    expect(nothing).toBeNull();
  });

  it('hashes a connection id too long for the 255-character dedup key, and clips the summary to 1,024', () => {
    // Prepare
    const long: AlertMessage = {
      ...failing,
      connection: { ...failing.connection, id: 'i'.repeat(1_000), schema: 's'.repeat(1_000) },
      reason: { code: 'sync_failed', message: 'm'.repeat(4_000), since: null },
    };

    // Act
    const event = pagerDutyEvent(long, describeAlert(long, links), ROUTING_KEY);

    // Assess
    expect(event?.dedup_key.length).toBeLessThanOrEqual(255);
    expect(event?.dedup_key).toBe(pagerDutyDedupKey('i'.repeat(1_000)));
    expect(event?.event_action === 'trigger' && event.payload.summary.length).toBeLessThanOrEqual(1_024);
  });
});
