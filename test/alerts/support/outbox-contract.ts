import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '#commons/alerts/alert-model';
import type { AlertOutbox, NewOutboxItem } from '#commons/alerts/alert-outbox';

/**
 * The AlertOutbox contract, as tests any implementation must pass (the in-memory one here; the store's
 * DynamoDB one by calling this with its own factory).
 */
const T0 = new Date('2026-03-02T10:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);
const message: AlertMessage = { kind: 'test', at: T0.toISOString() };

function item(id: string, lane: string, seq: string, dueSeconds = 0): NewOutboxItem {
  return {
    id,
    intent_key: id.split('#')[0] ?? id,
    channel: 'slack',
    lane,
    seq,
    message,
    due_at: later(dueSeconds).toISOString(),
  };
}

export function describeAlertOutboxContract(name: string, create: () => Promise<AlertOutbox>): void {
  describe(`AlertOutbox contract: ${name}`, () => {
    it('stores an item once; enqueueing it again leaves a delivered item alone', async () => {
      // Prepare
      const outbox = await create();
      await outbox.enqueue([item('a#slack', 'slack|c1', '1')], T0);
      const [claimed] = await outbox.claimDue(T0, 10, 60_000);
      await outbox.markDelivered(claimed?.id ?? '', T0);

      // Act
      await outbox.enqueue([item('a#slack', 'slack|c1', '1')], later(1));

      // Assess
      expect(await outbox.claimDue(later(2), 10, 60_000)).toEqual([]);
    });

    it('replaces a pending item with the newer plan (message, due time), keeping its place in the lane', async () => {
      // Prepare
      const outbox = await create();
      await outbox.enqueue([item('s#slack', 'slack|c1', '1', 600)], T0);

      // Act
      await outbox.enqueue([item('s#slack', 'slack|c1', '2', 900)], later(10));

      // Assess
      expect(await outbox.claimDue(later(899), 10, 60_000)).toEqual([]);
      const [claimed] = await outbox.claimDue(later(900), 10, 60_000);
      expect(claimed).toMatchObject({
        id: 's#slack',
        seq: '1',
        due_at: later(900).toISOString(),
        attempts: 0,
      });
    });

    it('sends a lane in seq order, one at a time, even when a later item is due first', async () => {
      // Prepare
      const outbox = await create();
      await outbox.enqueue(
        [item('second#slack', 'slack|c1', '2', 0), item('first#slack', 'slack|c1', '1', 30)],
        T0,
      );

      // Act
      const early = await outbox.claimDue(later(0), 10, 60_000);
      const due = await outbox.claimDue(later(30), 10, 60_000);
      const blocked = await outbox.claimDue(later(31), 10, 60_000);
      await outbox.markDelivered('first#slack', later(31));
      const next = await outbox.claimDue(later(32), 10, 60_000);

      // Assess
      expect(early).toEqual([]);
      expect(due.map((i) => i.id)).toEqual(['first#slack']);
      expect(blocked).toEqual([]);
      expect(next.map((i) => i.id)).toEqual(['second#slack']);
    });

    it('serves different lanes side by side, oldest first, up to the limit', async () => {
      // Prepare
      const outbox = await create();
      await outbox.enqueue(
        [
          item('x#slack', 'slack|c1', '3'),
          item('y#slack', 'slack|c2', '1'),
          item('z#slack', 'slack|c3', '2'),
        ],
        T0,
      );

      // Act
      const claimed = await outbox.claimDue(T0, 2, 60_000);

      // Assess
      expect(claimed.map((i) => i.id)).toEqual(['y#slack', 'z#slack']);
    });

    it('gives a claim whose lease expired to the next deliverer', async () => {
      // Prepare
      const outbox = await create();
      await outbox.enqueue([item('a#slack', 'slack|c1', '1')], T0);
      await outbox.claimDue(T0, 10, 60_000);

      // Act
      const during = await outbox.claimDue(later(59), 10, 60_000);
      const after = await outbox.claimDue(later(61), 10, 60_000);

      // Assess
      expect(during).toEqual([]);
      expect(after.map((i) => i.id)).toEqual(['a#slack']);
    });

    it('cancels pending items only, and a retry waits for its time with its attempts counted', async () => {
      // Prepare
      const outbox = await create();
      await outbox.enqueue([item('held#slack', 'slack|c1', '1', 600), item('r#slack', 'slack|c2', '1')], T0);
      const [claimed] = await outbox.claimDue(T0, 10, 60_000);

      // Act
      await outbox.cancel(['held#slack', 'missing#slack'], T0);
      await outbox.scheduleRetry(claimed?.id ?? '', { attempts: 1, dueAt: later(30), error: '500' }, T0);

      // Assess
      expect(await outbox.claimDue(later(29), 10, 60_000)).toEqual([]);
      const retried = await outbox.claimDue(later(600), 10, 60_000);
      expect(retried).toEqual([expect.objectContaining({ id: 'r#slack', attempts: 1, last_error: '500' })]);
    });

    it('records a channel fault once per endpoint and status, and clears it', async () => {
      // Prepare
      const outbox = await create();
      const fault = {
        channel: 'teams' as const,
        status: 404,
        message: '404',
        endpoint: 'abc',
        since: T0.toISOString(),
      };

      // Act
      const first = await outbox.recordChannelFault(fault);
      const again = await outbox.recordChannelFault({ ...fault, since: later(5).toISOString() });
      const otherUrl = await outbox.recordChannelFault({ ...fault, endpoint: 'def' });
      const cleared = await outbox.clearChannelFault('teams');

      // Assess
      expect([first, again, otherUrl, cleared]).toEqual([true, false, true, true]);
      expect(await outbox.channelFault('teams')).toBeNull();
    });
  });
}
