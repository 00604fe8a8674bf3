import { canonicalJson } from '../lib/canonical-json.ts';
import type { AlertInboxRepository } from '../store/repositories/alert-inbox-reader.ts';
import type { AlertStateRepository } from '../store/repositories/alert-states.ts';
import type { GroupRecord } from '../store/repositories/groups.ts';
import { StoreConflictError } from '../store/table/errors.ts';
import { configuredChannels } from './alert-channels.ts';
import { type AlertConfig, hasAlertChannels } from './alert-config.ts';
import { type AlertChangeInput, type AlertLogger, alertChangeSchema } from './alert-model.ts';
import { type AlertOutbox, applyPlan, cancelIds } from './alert-outbox.ts';
import {
  type AlertPlan,
  alertStateSchema,
  type ConnectionAlertState,
  changeKey,
  type PlanOutcome,
  planChange,
} from './noise-control.ts';

/**
 * Turns the health changes the writers kept (the inbox) into stored alerts, oldest change first: each is
 * planned against its connection's alert state (`planChange`), its messages enqueued, then the new state
 * written over the version read, then the change removed from the inbox. Enqueueing comes first and is
 * idempotent (keys are derived from the change), so a crash anywhere only repeats work: a change is never
 * lost between the inbox and the outbox (a state that records a change implies its messages were stored).
 * When another pass wrote the state meanwhile, the change is planned again from the newer state.
 */
export interface PlanChangesDeps {
  readonly inbox: AlertInboxRepository;
  readonly states: AlertStateRepository;
  readonly outbox: AlertOutbox;
  readonly config: AlertConfig;
  /** Group names and destination services for the messages (read once per pass, only when needed). */
  readonly groups?: () => Promise<ReadonlyMap<string, GroupRecord>>;
  readonly logger: AlertLogger;
  readonly now?: () => Date;
  /** Changes one pass plans at most. Default 200. */
  readonly limit?: number;
  /**
   * Changes kept less than this long ago wait for the next pass. Deployed, the inbox listing is an eventually
   * consistent index: a short wait lets an older change of the same connection show up before a newer one is
   * planned (planned the other way round, the older would be stale). 0 over dynalite.
   */
  readonly settleMs?: number;
}

export interface PlanChangesReport {
  readonly planned: number;
  readonly outcomes: Partial<Record<PlanOutcome, number>>;
  /** Kept while no channel was configured: removed unplanned. */
  readonly discarded: number;
  readonly unreadable: number;
  /** Left for the next pass (too fresh, or over the limit). */
  readonly waiting: boolean;
}

const MAX_PLAN_ATTEMPTS = 5;

function storedState(raw: unknown, logger: AlertLogger, connectionId: string): ConnectionAlertState | null {
  if (raw === null || raw === undefined) return null;
  const parsed = alertStateSchema.safeParse(raw);
  if (parsed.success && parsed.data.connection_id === connectionId) return parsed.data;
  logger.warn('alert state unreadable; starting afresh for this connection', { connection_id: connectionId });
  return null;
}

/**
 * Whether the change's own message is still wanted after a lost race, judged by the state that won: the
 * winner recorded this change (a duplicate now) as sent or held, or the new plan enqueues it itself.
 */
function changeMessageWanted(plan: AlertPlan, change: AlertChangeInput): boolean {
  if (plan.enqueue.some((intent) => intent.key === changeKey(change.connection_id, change.changed_at)))
    return true;
  if (plan.outcome !== 'duplicate') return false;
  const at = Date.parse(change.changed_at);
  const recorded = plan.state.recent.find((e) => Date.parse(e.at) === at && e.to === change.health);
  return recorded?.outcome === 'sent' || recorded?.outcome === 'held';
}

/**
 * Plans one change until its state write wins; returns the plan that did. After a lost race only the
 * change's own message (its key names this change alone) is withdrawn when the winning state does not want
 * it; flapping, settled and pause messages are keyed by their window or pause, which the winner may share,
 * and are left to the newer plans that replace them.
 */
async function planOne(deps: PlanChangesDeps, change: AlertChangeInput, now: Date): Promise<AlertPlan> {
  const channels = configuredChannels(deps.config.channels);
  const ownKey = changeKey(change.connection_id, change.changed_at);
  let enqueuedOwn = false;
  for (let attempt = 1; attempt <= MAX_PLAN_ATTEMPTS; attempt++) {
    const stored = await deps.states.get(change.connection_id);
    const state = storedState(stored.state, deps.logger, change.connection_id);
    const plan = planChange(state, change, deps.config);
    if (enqueuedOwn && !changeMessageWanted(plan, change)) {
      await deps.outbox.cancel(cancelIds([ownKey]), now);
    }
    await applyPlan(deps.outbox, plan, channels, now);
    enqueuedOwn ||= plan.enqueue.some((intent) => intent.key === ownKey);
    const unchanged = state !== null && canonicalJson(plan.state) === canonicalJson(state);
    if (unchanged || (state === null && plan.enqueue.length === 0 && plan.cancel.length === 0)) return plan;
    if (await deps.states.put(change.connection_id, plan.state, stored.version)) return plan;
  }
  throw new StoreConflictError(
    `alert state of ${change.connection_id} kept changing; gave up after ${MAX_PLAN_ATTEMPTS} attempts`,
  );
}

export async function planRecordedChanges(deps: PlanChangesDeps): Promise<PlanChangesReport> {
  const now = (deps.now ?? (() => new Date()))();
  const limit = deps.limit ?? 200;
  const settleMs = deps.settleMs ?? 0;
  const entries = await deps.inbox.oldest(limit);
  const outcomes: Partial<Record<PlanOutcome, number>> = {};
  let planned = 0;
  let discarded = 0;
  let unreadable = 0;
  let waiting = entries.length >= limit;
  let groups: ReadonlyMap<string, GroupRecord> | null = null;
  const alerting = hasAlertChannels(deps.config);

  for (const entry of entries) {
    if (now.getTime() - Date.parse(entry.recorded_at) < settleMs) {
      // Changes are in order: the rest wait too, so none overtakes this one.
      waiting = true;
      break;
    }
    if (!alerting) {
      discarded += 1;
    } else {
      const parsed = entry.change ? alertChangeSchema.safeParse(entry.change) : null;
      if (!parsed?.success) {
        unreadable += 1;
        deps.logger.warn('a kept health change is unreadable; skipped', { change: entry.key.slice(0, 200) });
      } else {
        groups ??= deps.groups ? await deps.groups() : new Map();
        const group = parsed.data.group_id ? groups.get(parsed.data.group_id) : undefined;
        const plan = await planOne(
          deps,
          {
            ...parsed.data,
            group_name: parsed.data.group_name ?? group?.name ?? null,
            destination_service: parsed.data.destination_service ?? group?.destination?.service ?? null,
          },
          now,
        );
        planned += 1;
        outcomes[plan.outcome] = (outcomes[plan.outcome] ?? 0) + 1;
      }
    }
    await deps.inbox.remove(entry.key);
  }
  return { planned, outcomes, discarded, unreadable, waiting };
}
