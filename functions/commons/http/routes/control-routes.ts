import type { AccountStatsRepository } from '../../store/repositories/account-stats.ts';
import type { SweepRepository } from '../../store/repositories/sweeps.ts';
import type { SweepControl } from '../../sweep/sweep-control.ts';
import { receiveWebhook, type WebhookAnswer, type WebhookReceiver } from '../../webhook/receive-webhook.ts';
import { HttpError, type RouteHandler } from '../reply.ts';
import type { ROUTES } from '../route-specs.ts';

type Routes = typeof ROUTES;

export const SWEEPS_UNAVAILABLE = 'this server cannot start sweeps';

/** A page the shell serves at `GET /` (the dashboard), with the CSP that lets exactly its own script run. */
export interface HtmlPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

export interface ControlRouteDeps {
  readonly accountStats: AccountStatsRepository;
  /** The newest sweep record tells a second start within the cool-down whether the first still runs. */
  readonly sweepRecords: Pick<SweepRepository, 'list'>;
  readonly sweeps: SweepControl | null;
  readonly sweepsUnavailable: string;
  readonly webhook: WebhookReceiver | null;
  readonly onWebhookAnswer?: (answer: WebhookAnswer) => void;
  readonly healthz: boolean;
  readonly storageFault?: () => Promise<string | null>;
  readonly dashboard: HtmlPage | null;
  /** Least time between two manual sweep starts; 0 = none. */
  readonly manualSweepCooldownMs: number;
  readonly now: () => number;
}

/**
 * The routes that act or belong to one kind of shell: starting a sweep, the webhook (local server), the
 * health check and the dashboard (local shells). A route whose dependency is absent is not served.
 */
export function controlRoutes(deps: ControlRouteDeps) {
  // A manual sweep costs Fivetran requests from the account's hourly budget: one start per cool-down.
  let lastManualStartMs = Number.NEGATIVE_INFINITY;
  const startSweep: RouteHandler<Routes['startSweep']> = async () => {
    // 405, not 501: the caller asked this server for something it does not offer; nothing failed here.
    if (!deps.sweeps) throw new HttpError(405, deps.sweepsUnavailable);
    const waitMs = lastManualStartMs + deps.manualSweepCooldownMs - deps.now();
    if (waitMs > 0) {
      // Still running: the contract's 409 with its id, so the caller follows that sweep.
      const [newest] = (await deps.sweepRecords.list({ limit: 1, cursor: null })).items;
      if (newest?.outcome === 'running') {
        return {
          status: 409,
          body: { message: `sweep ${newest.id} is running; one sweep at a time`, id: newest.id },
        };
      }
      const seconds = Math.ceil(waitMs / 1000);
      return {
        status: 429,
        body: { message: `a sweep was started moments ago; try again in ${seconds} s` },
        headers: { 'retry-after': String(seconds) },
      };
    }
    const started = await deps.sweeps.start();
    if (started.status === 'started') lastManualStartMs = deps.now();
    return started.status === 'started'
      ? { status: 202, body: { id: started.id } }
      : {
          status: 409,
          body: { message: `sweep ${started.id} is running; one sweep at a time`, id: started.id },
        };
  };

  const webhook = deps.webhook;
  const receive: RouteHandler<Routes['receiveWebhook']> | null = webhook
    ? async (request) => {
        const answer = await receiveWebhook(webhook, {
          body: await request.body(),
          headers: request.headers,
        });
        deps.onWebhookAnswer?.(answer);
        return answer;
      }
    : null;

  const healthz: RouteHandler<Routes['healthz']> | null = deps.healthz
    ? async () => {
        await deps.accountStats.ping();
        const fault = (await deps.storageFault?.()) ?? null;
        if (fault !== null) throw new HttpError(503, fault);
        return { status: 200, body: { status: 'ok' } };
      }
    : null;

  const page = deps.dashboard;
  const dashboard: RouteHandler<Routes['dashboard']> | null = page
    ? async () => ({
        status: 200,
        body: page.html,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': page.contentSecurityPolicy,
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
        },
      })
    : null;

  return { startSweep, receiveWebhook: receive, healthz, dashboard };
}
