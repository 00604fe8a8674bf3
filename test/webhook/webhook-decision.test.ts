import { describe, expect, it } from 'vitest';
import { eventIdentity } from '#commons/webhook/event-identity';
import { signBody } from '#commons/webhook/signature';
import { decideWebhook, MAX_WEBHOOK_BODY_BYTES } from '#commons/webhook/webhook-decision';
import { creationProbe, syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';

const secrets = [TEST_SECRET];
const signedHeaders = (body: Uint8Array) => ({ 'X-Fivetran-Signature-256': signBody(body, TEST_SECRET) });

describe('Function: decideWebhook', () => {
  it('stores a signed event under its content identity', () => {
    // Prepare
    const body = Buffer.from(syncEndSuccessful);
    // Act
    const decision = decideWebhook({ body, headers: signedHeaders(body), secrets });
    // Assess
    expect(decision.action).toBe('store');
    if (decision.action !== 'store') return;
    expect(decision.status).toBe(200);
    expect(decision.id).toBe(eventIdentity(JSON.parse(syncEndSuccessful)));
    expect(decision.event.connectionId).toBe('assimilate_seem');
  });

  it('answers 413 for a body over 256 KiB before looking at the signature', () => {
    // Prepare
    const body = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 0x20);
    // Act
    const decision = decideWebhook({ body, headers: signedHeaders(body), secrets });
    // Assess
    expect(decision).toEqual({ action: 'reject', status: 413, reason: 'too_large' });
  });

  it('accepts a body of exactly 256 KiB', () => {
    // Prepare
    const padding = ' '.repeat(MAX_WEBHOOK_BODY_BYTES - syncEndSuccessful.length);
    const body = Buffer.from(syncEndSuccessful + padding);
    // Act
    const decision = decideWebhook({ body, headers: signedHeaders(body), secrets });
    // Assess
    expect(body.byteLength).toBe(MAX_WEBHOOK_BODY_BYTES);
    expect(decision.action).toBe('store');
  });

  it('answers 401 for an unsigned event', () => {
    // Act
    const decision = decideWebhook({ body: Buffer.from(syncEndSuccessful), headers: {}, secrets });
    // Assess
    expect(decision).toEqual({ action: 'reject', status: 401, reason: 'missing' });
  });

  it('answers 200 to the unsigned creation probe and stores nothing', () => {
    // Act
    const decision = decideWebhook({ body: Buffer.from(creationProbe), headers: {}, secrets });
    // Assess
    expect(decision).toEqual({ action: 'probe', status: 200 });
  });

  it('answers 401 to a probe-like body that is not exactly the probe', () => {
    // Prepare
    const body = Buffer.from(creationProbe.replace('}', ',"data":{"status":"SUCCESSFUL"}}'));
    // Act
    const decision = decideWebhook({ body, headers: {}, secrets });
    // Assess
    expect(decision.status).toBe(401);
  });

  it.each([
    ['bad JSON', '{"event":'],
    ['not an object', '["sync_end"]'],
    ['no event', '{"created":"2026-01-01T00:00:00Z"}'],
  ])('quarantines a signed body with %s, answering 200', (_name, text) => {
    // Prepare
    const body = Buffer.from(text);
    // Act
    const decision = decideWebhook({ body, headers: signedHeaders(body), secrets });
    // Assess
    expect(decision.action).toBe('quarantine');
    expect(decision.status).toBe(200);
    if (decision.action === 'quarantine') expect(decision.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports that the previous secret matched during a rotation', () => {
    // Prepare
    const body = Buffer.from(syncEndSuccessful);
    const headers = { 'x-fivetran-signature-256': signBody(body, 'old') };
    // Act
    const decision = decideWebhook({ body, headers, secrets: ['new', 'old'] });
    // Assess
    expect(decision).toMatchObject({ action: 'store', secretIndex: 1 });
  });
});
