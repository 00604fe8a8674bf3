import type { AlertHealth, AlertMessage } from '#commons/alerts/alert-model';
import { applyPlan } from '#commons/alerts/alert-outbox';
import { memoryAlertOutbox } from '#commons/alerts/memory-alert-outbox';
import { type ConnectionAlertState, type NoiseSettings, planChange } from '#commons/alerts/noise-control';
import { failingChange } from './alert-fixtures.ts';

export interface SimulatedChange {
  readonly atMs: number;
  readonly from: AlertHealth;
  readonly to: AlertHealth;
}

export interface Sent {
  readonly atMs: number;
  readonly message: AlertMessage;
}

/**
 * Runs changes of one connection through noise control and the outbox with an ideal deliverer that sends
 * everything due at each change and at each extra instant given, and returns what went out, in order.
 */
export async function simulate(
  changes: readonly SimulatedChange[],
  settings: NoiseSettings,
  extraDeliveries: readonly number[] = [],
): Promise<Sent[]> {
  const outbox = memoryAlertOutbox();
  const sent: Sent[] = [];
  let state: ConnectionAlertState | null = null;
  const deliverAt = async (ms: number) => {
    const now = new Date(ms);
    for (;;) {
      const due = await outbox.claimDue(now, 50, 60_000);
      if (due.length === 0) return;
      for (const item of due) {
        sent.push({ atMs: ms, message: item.message });
        await outbox.markDelivered(item.id, now);
      }
    }
  };
  const moments = [
    ...changes.map((change) => ({ ms: change.atMs, change })),
    ...extraDeliveries.map((ms) => ({ ms, change: null })),
  ].sort((a, b) => a.ms - b.ms || (a.change ? -1 : 1));
  for (const moment of moments) {
    if (moment.change) {
      const { from, to } = moment.change;
      const plan = planChange(
        state,
        failingChange({
          previous: from,
          health: to,
          health_reason: null,
          changed_at: new Date(moment.ms).toISOString(),
        }),
        settings,
      );
      state = plan.state;
      await applyPlan(outbox, plan, ['slack'], new Date(moment.ms));
    }
    await deliverAt(moment.ms);
  }
  return sent;
}

/** The health a message leaves the reader believing. */
export function believedHealth(message: AlertMessage): AlertHealth | null {
  if (message.kind === 'change') return message.to;
  if (message.kind === 'settled') return message.health;
  if (message.kind === 'flapping') return message.current;
  return null;
}
