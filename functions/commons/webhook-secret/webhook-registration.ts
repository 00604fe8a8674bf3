import { ConfigError } from '../config/env.ts';
import { isLoopbackHost } from '../config/fivetran-settings.ts';
import type { FivetranClient } from '../fivetran/client.ts';
import { FivetranApiError } from '../fivetran/errors.ts';
import type { Webhook } from '../fivetran/schemas.ts';
import { newWebhookSecret, type WebhookSecretStore } from './secret-store.ts';

/** The events the product subscribes to (ARCHITECTURE.md, CLI section). */
export const WEBHOOK_EVENTS: readonly string[] = [
  'sync_start',
  'sync_end',
  'connection_successful',
  'connection_failure',
  'create_connector',
  'pause_connector',
  'resume_connector',
  'edit_connector',
  'delete_connector',
  'force_update_connector',
  'resync_connector',
  'resync_table',
  'dbt_run_start',
  'dbt_run_succeeded',
  'dbt_run_failed',
  'transformation_start',
  'transformation_succeeded',
  'transformation_failed',
];

/** What registration and rotation need from the Fivetran client. */
export type WebhookAdmin = Pick<
  FivetranClient,
  'createAccountWebhook' | 'createGroupWebhook' | 'updateWebhook' | 'webhookPages'
>;

/** Fivetran delivers only to https; plain http is accepted for a loopback host (the simulator, tests). */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--url is not a URL: "${raw}"`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return raw;
  throw new ConfigError(`--url must be https (plain http only for a loopback host), got "${raw}"`);
}

/** The event names a 400 names: Fivetran refuses an event it does not know by naming it. */
function refusedEvents(error: unknown, events: readonly string[]): string[] {
  if (!(error instanceof FivetranApiError) || error.status !== 400) return [];
  return events.filter((event) =>
    new RegExp(`(^|[^A-Za-z0-9_])${event}($|[^A-Za-z0-9_])`).test(error.message),
  );
}

export interface RegisterRequest {
  readonly admin: WebhookAdmin;
  readonly secrets: WebhookSecretStore;
  readonly url: string;
  /** A group webhook for this group; null for an account webhook. */
  readonly groupId: string | null;
  readonly events?: readonly string[];
  readonly newSecret?: () => string;
}

export interface Registered {
  readonly webhook: Webhook;
  /** Events Fivetran refused, registered without. */
  readonly skippedEvents: readonly string[];
}

/**
 * Creates our webhook at Fivetran with a fresh secret. The secret is stored first (as current, the old
 * current kept as previous), so the creation probe and every event after it verify at once. If Fivetran
 * refuses event names, it registers without them. On failure the stored secrets are put back.
 */
export async function registerWebhook(request: RegisterRequest): Promise<Registered> {
  const url = checkWebhookUrl(request.url);
  const secret = (request.newSecret ?? newWebhookSecret)();
  const before = await request.secrets.read();
  await request.secrets.write([secret, ...before.slice(0, 1)]);
  let events = [...(request.events ?? WEBHOOK_EVENTS)];
  const skipped: string[] = [];
  try {
    for (;;) {
      const body = { url, events, active: true, secret };
      try {
        const webhook =
          request.groupId === null
            ? await request.admin.createAccountWebhook(body)
            : await request.admin.createGroupWebhook(request.groupId, body);
        return { webhook, skippedEvents: skipped };
      } catch (error) {
        const refused = refusedEvents(error, events);
        if (refused.length === 0 || refused.length === events.length) throw error;
        skipped.push(...refused);
        events = events.filter((event) => !refused.includes(event));
      }
    }
  } catch (error) {
    if (before.length > 0) await request.secrets.write(before);
    throw error;
  }
}

/**
 * Zero-downtime rotation, first step: store `new,current` (the receiver accepts both), then give Fivetran
 * the new secret. Deliveries signed with either verify until `finishRotation`. On failure the stored
 * secrets are put back.
 */
export async function rotateWebhookSecret(request: {
  readonly admin: WebhookAdmin;
  readonly secrets: WebhookSecretStore;
  readonly webhookId: string;
  readonly newSecret?: () => string;
  /** Rotate even while the previous rotation is unfinished (its oldest secret is then dropped). */
  readonly force?: boolean;
}): Promise<void> {
  const before = await request.secrets.read();
  const current = before[0];
  if (current === undefined) {
    throw new ConfigError(`no webhook secret in ${request.secrets.name}: register the webhook first`);
  }
  // Rotating again would drop the secret Fivetran may still be retrying older deliveries with.
  if (before.length > 1 && request.force !== true) {
    throw new ConfigError(
      `the previous rotation is not finished: ${request.secrets.name} still holds the secret before it, which verifies deliveries Fivetran may still retry (for about a day). Run webhook rotate-secret --finish first, or pass --force to drop that secret now`,
    );
  }
  const secret = (request.newSecret ?? newWebhookSecret)();
  await request.secrets.write([secret, current]);
  try {
    await request.admin.updateWebhook(request.webhookId, { secret });
  } catch (error) {
    await request.secrets.write(before);
    throw error;
  }
}

/** The last step: only the current secret verifies from now on. Returns whether a previous one was dropped. */
export async function finishRotation(secrets: WebhookSecretStore): Promise<boolean> {
  const [current, previous] = await secrets.read();
  if (current === undefined) throw new ConfigError(`no webhook secret in ${secrets.name}`);
  if (previous === undefined) return false;
  await secrets.write([current]);
  return true;
}

/** Every webhook of the account (account and group ones). */
export async function listWebhooks(admin: Pick<WebhookAdmin, 'webhookPages'>): Promise<Webhook[]> {
  const all: Webhook[] = [];
  for await (const page of admin.webhookPages()) all.push(...page.items);
  return all;
}
