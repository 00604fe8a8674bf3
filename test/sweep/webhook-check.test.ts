import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

describe('checking that our webhook is still active at Fivetran', () => {
  let fx: SweepFixture;

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 23, groups: 1, connections: 5 });
    fx.sim.account.webhooks.set('wh_ours', {
      id: 'wh_ours',
      type: 'account',
      group_id: null,
      url: 'https://example.com/webhooks/fivetran',
      events: ['sync_end'],
      active: true,
      secret: 'not-used-here',
      created_at: '2026-06-01T00:00:00.000Z',
      created_by: 'user',
    });
  });
  afterEach(() => fx.close());

  it('records webhook_active null when no webhook is registered, without asking', async () => {
    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.webhook_active).toBeNull();
    expect(fx.sim.requests.snapshot().by_endpoint['GET /v1/webhooks/{id}']).toBeUndefined();
  });

  it('records true while active, false once Fivetran disabled it, and writes only on a change', async () => {
    // Prepare
    await fx.repositories.webhookRegistration.save({
      webhook_id: 'wh_ours',
      url: 'https://example.com/webhooks/fivetran',
    });

    // Act
    const active = await fx.sweep({ schemaRequestBudget: 0 });
    const unchanged = await fx.sweep({ schemaRequestBudget: 0 });
    const hook = fx.sim.account.webhooks.get('wh_ours');
    if (hook) hook.active = false;
    const disabled = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(active.webhook_active).toBe(true);
    expect(unchanged).toMatchObject({ webhook_active: true, items_written: 0 });
    expect(disabled).toMatchObject({ webhook_active: false, items_written: 1 });
    expect(await fx.repositories.webhookRegistration.get()).toMatchObject({
      webhook_id: 'wh_ours',
      active: false,
    });
  });

  it('records false when the webhook no longer exists at Fivetran', async () => {
    // Prepare
    await fx.repositories.webhookRegistration.save({
      webhook_id: 'wh_deleted',
      url: 'https://example.com/x',
    });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.webhook_active).toBe(false);
    expect(record.outcome).toBe('succeeded');
  });

  it('leaves webhook_active null (and says why) when Fivetran cannot answer', async () => {
    // Prepare
    await fx.repositories.webhookRegistration.save({ webhook_id: 'wh_ours', url: 'https://example.com/x' });
    fx.sim.faults.add({ kind: 'status', status: 503, endpoint: 'GET /v1/webhooks/{id}' });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.webhook_active).toBeNull();
    expect(record.outcome).toBe('succeeded');
    expect(record.error).toMatch(/could not check webhook wh_ours/);
  });
});
