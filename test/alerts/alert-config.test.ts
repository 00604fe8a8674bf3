import { describe, expect, it } from 'vitest';
import { alertEnvFromSecret, hasAlertChannels, parseAlertConfig } from '#commons/alerts/alert-config';
import { ConfigError } from '#commons/config/env';

const SLACK = 'https://hooks.slack.com/services/T0000/B0000/notarealsecret';

function errorOf(env: Record<string, string>): string {
  try {
    parseAlertConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('alert settings', () => {
  it('defaults to no channel, a 10-minute quiet window, every change, no digest, no pause reminder', () => {
    // Act
    const config = parseAlertConfig({});

    // Assess
    expect(config).toEqual({
      channels: { slack: null, teams: null, pagerduty: null },
      quietMinutes: 10,
      on: null,
      groups: null,
      services: null,
      digest: null,
      pausedHours: null,
      dashboardUrl: null,
    });
    expect(hasAlertChannels(config)).toBe(false);
  });

  it('reads every variable', () => {
    // Act
    const config = parseAlertConfig({
      SLACK_WEBHOOK_URL: ` ${SLACK} `,
      TEAMS_WEBHOOK_URL:
        'https://prod-00.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke',
      PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0123456789abcdefABCDEF',
      ALERT_QUIET_MINUTES: '5',
      ALERT_ON: 'failing, Delayed,failing',
      ALERT_GROUPS: 'lunar_otter,,lunar_otter',
      ALERT_SERVICES: 'postgres,salesforce',
      ALERT_DIGEST_AT: '9:30 Europe/Paris',
      ALERT_PAUSED_HOURS: '1.5',
      ALERT_DASHBOARD_URL: 'https://metadata.example.test/',
    });

    // Assess
    expect(config.channels.slack).toEqual({ url: SLACK });
    expect(config.channels.pagerduty?.eventsUrl).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(config).toMatchObject({
      quietMinutes: 5,
      on: ['failing', 'delayed'],
      groups: ['lunar_otter'],
      services: ['postgres', 'salesforce'],
      digest: { hour: 9, minute: 30, timeZone: 'Europe/Paris' },
      pausedHours: 1.5,
      dashboardUrl: 'https://metadata.example.test',
    });
  });

  it('takes ALERT_ON=all as every change, and a digest time without zone as UTC', () => {
    // Act
    const config = parseAlertConfig({ ALERT_ON: 'all', ALERT_DIGEST_AT: '09:00' });

    // Assess
    expect(config.on).toBeNull();
    expect(config.digest).toEqual({ hour: 9, minute: 0, timeZone: 'UTC' });
  });

  it('explains each mistake in one line naming the variable', () => {
    // Act + Assess
    expect(errorOf({ ALERT_QUIET_MINUTES: 'ten' })).toBe(
      'ALERT_QUIET_MINUTES must be a whole number, got "ten"',
    );
    expect(errorOf({ ALERT_QUIET_MINUTES: '0' })).toBe(
      'ALERT_QUIET_MINUTES must be between 1 and 1440, got 0',
    );
    expect(errorOf({ ALERT_ON: 'failing,broken' })).toBe(
      'ALERT_ON: unknown health "broken"; use all or failing, pending, delayed, paused, healthy',
    );
    expect(errorOf({ ALERT_DIGEST_AT: '25:00' })).toMatch(/^ALERT_DIGEST_AT must be HH:MM/);
    expect(errorOf({ ALERT_DIGEST_AT: '09:00 Mars/Olympus' })).toBe(
      'ALERT_DIGEST_AT: unknown time zone "Mars/Olympus"',
    );
    expect(errorOf({ ALERT_PAUSED_HOURS: '-1' })).toBe(
      'ALERT_PAUSED_HOURS must be a number of hours, got "-1"',
    );
    expect(errorOf({ ALERT_GROUPS: ' , ' })).toBe('ALERT_GROUPS lists nothing; leave it unset for all');
    expect(errorOf({ ALERT_DASHBOARD_URL: 'metadata.example.test' })).toBe(
      'ALERT_DASHBOARD_URL must be an http(s) URL, got "metadata.example.test"',
    );
    for (const message of [errorOf({ ALERT_ON: 'x' }), errorOf({ ALERT_QUIET_MINUTES: '99999' })]) {
      expect(message).not.toContain('\n');
    }
  });

  it('never repeats a secret value in its error', () => {
    // Act
    const slack = errorOf({ SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/leakysecret' });
    const teams = errorOf({ TEAMS_WEBHOOK_URL: 'not a url leakysecret' });
    const key = errorOf({ PAGERDUTY_ROUTING_KEY: 'leaky secret!' });

    // Assess
    expect(slack).toBe(
      'SLACK_WEBHOOK_URL must be an https URL (http only to a loopback host); the value given is not shown',
    );
    for (const message of [slack, teams, key]) expect(message).not.toContain('leaky');
  });

  it('lets plain http through only to a loopback host (local receivers)', () => {
    // Act
    const config = parseAlertConfig({ SLACK_WEBHOOK_URL: 'http://127.0.0.1:9999/hook' });

    // Assess
    expect(config.channels.slack?.url).toBe('http://127.0.0.1:9999/hook');
  });
});

describe('alert secret (deployed)', () => {
  it('reads the same names as the variables, and an empty secret as no channel', () => {
    // Act
    const env = alertEnvFromSecret(JSON.stringify({ SLACK_WEBHOOK_URL: SLACK }));
    const empty = alertEnvFromSecret('');
    const braces = alertEnvFromSecret('{}');

    // Assess
    expect(parseAlertConfig({ ALERT_ON: 'failing', ...env }).channels.slack).toEqual({ url: SLACK });
    expect([empty, braces]).toEqual([{}, {}]);
  });

  it('refuses anything else in one line, without echoing values', () => {
    // Act + Assess
    expect(() => alertEnvFromSecret('{"SLACK_WEBHOOK_URL": leaky')).toThrow(/^the alert secret is not JSON/);
    const unknown = () => alertEnvFromSecret('{"slack":"https://leaky"}');
    expect(unknown).toThrow(ConfigError);
    expect(unknown).toThrow(
      'the alert secret may hold only SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY as strings (slack)',
    );
  });
});
